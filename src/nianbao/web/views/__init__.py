"""The workspace's views: sign-in (auth), an office's pages (pages), the report editor
(editor), the HTTP API (api)."""
