"""Site parsers: one module per site, the registry and the shared `SiteParser` base.

Imports `parsers.extract`, `parsers.document` and `parsers.text`; nothing imports it but the
package `parsers` itself.
"""
