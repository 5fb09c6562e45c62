"""The search people use: one page and one REST service, Solr with a catalog fallback."""
