#!/usr/bin/env bash
# Re-extract the "vnarchive" i18n domain from both packages and sync the catalog.
#
# One catalog serves both packages; it lives in vnarchive.policy/locales and is
# registered by vnarchive.policy's configure.zcml. New msgids are added to every
# .po file with an empty msgstr (fill them in!), msgids that no longer exist in the
# code are dropped. .mo files are not committed: Zope compiles them at start-up when
# the environment variable zope_i18n_compile_mo_files is set.
#
# Usage: scripts/i18n.sh            (from anywhere inside the repository)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
I18NDUDE="${I18NDUDE:-$ROOT/.venv/bin/i18ndude}"
DOMAIN=vnarchive
LANGUAGES="vi en lo"
SRC="$ROOT/src"
LOCALES="$SRC/vnarchive.policy/src/vnarchive/policy/locales"
POT="$LOCALES/$DOMAIN.pot"

if [ ! -x "$I18NDUDE" ]; then
    echo "i18ndude not found at $I18NDUDE (set I18NDUDE=...)" >&2
    exit 1
fi

# 1. Extract: src/ as a whole covers vnarchive.content and vnarchive.policy
#    (Python, page templates, ZCML and GenericSetup XML); i18ndude keeps only
#    the msgids of $DOMAIN.
echo "Extracting domain $DOMAIN from $SRC"
"$I18NDUDE" rebuild-pot --pot "$POT" --create "$DOMAIN" "$SRC"

# 2. Sync every language's .po with the .pot (creating missing ones).
for lang in $LANGUAGES; do
    po="$LOCALES/$lang/LC_MESSAGES/$DOMAIN.po"
    if [ ! -f "$po" ]; then
        mkdir -p "$(dirname "$po")"
        # i18ndude sync fills missing header keys with English defaults
        # (e.g. Language-Name: English), so write them all.
        case "$lang" in
            vi) name="Tiếng Việt"; plural="nplurals=1; plural=0;" ;;
            en) name="English"; plural="nplurals=2; plural=(n != 1);" ;;
            lo) name="ລາວ"; plural="nplurals=1; plural=0;" ;;
            *) name="$lang"; plural="nplurals=2; plural=(n != 1);" ;;
        esac
        cat > "$po" <<PO
msgid ""
msgstr ""
"Project-Id-Version: vnarchive\\n"
"POT-Creation-Date: \\n"
"PO-Revision-Date: \\n"
"Last-Translator: \\n"
"Language-Team: \\n"
"Language: $lang\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: $plural\\n"
"Language-Code: $lang\\n"
"Language-Name: $name\\n"
"Preferred-Encodings: utf-8\\n"
"Domain: $DOMAIN\\n"
PO
    fi
    echo "Syncing $po"
    "$I18NDUDE" sync --pot "$POT" "$po"
done

# 3. Report msgids still without a translation (empty msgstr, header excluded).
for lang in $LANGUAGES; do
    po="$LOCALES/$lang/LC_MESSAGES/$DOMAIN.po"
    missing=$(awk '
        /^msgid /       { header = ($0 == "msgid \"\""); next }
        /^msgstr ""$/   { pending = !header; next }
        /^"/            { pending = 0; next }
                        { if (pending) n++; pending = 0 }
        END             { if (pending) n++; print n + 0 }
    ' "$po")
    echo "$lang: $missing untranslated"
done
