"""Reach: the assistant for other clients, an OpenAI-compatible HTTP API (`openai_api`) and an MCP
server (`mcp_server`), both over the same ask()/search path as the app and the CLI."""
