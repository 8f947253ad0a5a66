// GraphiQL for idv-gateway: every file comes from the gateway itself (no CDN).
// The query, variables and headers are kept in the address bar so a page can be shared;
// headers are not, as they may hold a token.
(function () {
  const WELCOME = "# idv-gateway: Didit and Kayle sessions behind one schema.\n" +
    "# Ctrl-Enter runs the query; Ctrl-Space completes; the Docs pane lists every type.\n\n" +
    "{\n  sessions(first: 5) {\n    edges { node { __typename id status createdAt } }\n" +
    "    pageInfo { hasNextPage endCursor }\n  }\n}\n";
  const parameters = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) parameters.set(name, value); else parameters.delete(name);
    const search = parameters.toString();
    history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function Page() {
    const [query, setQuery] = React.useState(parameters.get("q") || WELCOME);
    const [variables, setVariables] = React.useState(parameters.get("variables") || undefined);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: query,
      variables: variables,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
      onEditQuery: function (next) { setQuery(next); remember("q", next); },
      onEditVariables: function (next) { setVariables(next); remember("variables", next); },
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Page));
})();
