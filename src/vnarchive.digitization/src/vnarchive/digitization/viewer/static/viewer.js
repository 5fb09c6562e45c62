/* Start DocumentCloud's viewer (collective.documentviewer's assets/viewer.js and
 * assets/templates.js, loaded before this file) on every .vnarchive-documentviewer element.
 * documentviewer 6.0.3 starts it from a RequireJS/mockup pattern, which Plone 6 no longer has.
 *
 * It also replaces the viewer's search highlighting, which put the page text back into the
 * page as HTML: OCR text is not HTML, so it is escaped here.
 */
(function () {
  "use strict";

  function escapeHtml(text) {
    return window.DV._.escape(text);
  }

  function safeHighlight() {
    var helpers = window.DV.Schema.helpers;
    helpers.highlightSearchResponses = function () {
      var viewer = this.viewer;
      var response = viewer.searchResponse;
      if (!response) {
        return false;
      }
      var results = response.results;
      var currentResultEl = this.viewer.$(".DV-currentSearchResult");
      if (results.length === 0) {
        currentResultEl.text("No Results");
        this.viewer.$(".DV-searchResults").addClass("DV-noResults");
      } else {
        this.viewer.$(".DV-searchResults").removeClass("DV-noResults");
      }
      for (var i = 0; i < results.length; i++) {
        if (this.models.document.currentPage() === results[i]) {
          currentResultEl.text("Page " + (i + 1) + " ");
          break;
        }
      }
      var words = response.query
        .replace(/[-[\]{}()*+?.,\\^$|#]/g, "\\$&")
        .replace(/\s+/g, "\\s+");
      var textContent = this.viewer.$(".DV-textContents");
      var text = textContent.text();
      var html = "";
      var last = 0;
      var match;
      if (words) {
        var pattern = new RegExp(words, "ig");
        while ((match = pattern.exec(text)) !== null) {
          html +=
            escapeHtml(text.slice(last, match.index)) +
            '<span class="DV-searchMatch">' +
            escapeHtml(match[0]) +
            "</span>";
          last = match.index + match[0].length;
        }
      }
      html += escapeHtml(text.slice(last));
      textContent.html(html);
      this.highlightMatch(viewer.toHighLight ? viewer.toHighLight : 0);
    };
  }

  function start() {
    var containers = document.querySelectorAll(".vnarchive-documentviewer[data-viewer]");
    if (!containers.length) {
      return;
    }
    if (!window.DV || !window.JST) {
      if (window.console) {
        window.console.error("vnarchive viewer: documentviewer's scripts are missing");
      }
      return;
    }
    safeHighlight();
    Array.prototype.forEach.call(containers, function (container) {
      var options = JSON.parse(container.getAttribute("data-viewer"));
      var documentData = options.data;
      delete options.data;
      options.container = container;
      if (window.innerWidth < 800) {
        options.sidebar = false;
      }
      window.DV.load(documentData, options);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
