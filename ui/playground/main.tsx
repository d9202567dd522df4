/**
 * The playground served at / and for browser GETs of /graphql: GraphiQL,
 * bundled from npm (no CDN), talking to this supergraph over HTTP and, for
 * subscriptions, graphql-ws. Headers from the header editor go with every
 * HTTP request and in connection_init, so an x-api-key works for both.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import type { Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { Kind, parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { DEFAULT_HEADERS, EXAMPLE_TABS } from './examples';

const httpUrl = new URL('/graphql', window.location.href);
const wsUrl = new URL(httpUrl);
wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

const toolkitFetcher = createGraphiQLFetcher({ url: httpUrl.href, subscriptionUrl: wsUrl.href });

/**
 * GraphiQL 4 keeps the previous tab's operation name and parsed document after
 * a tab switch, so it would name an operation the query lacks and send a
 * subscription over HTTP. Both are taken from the query actually sent.
 */
const fetcher: Fetcher = (params, opts) => {
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch {
    return toolkitFetcher(params, opts); // the server explains the syntax error
  }
  const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value] : []));
  const operationName =
    params.operationName && names.includes(params.operationName)
      ? params.operationName
      : names.length === 1
        ? names[0]
        : params.operationName;
  return toolkitFetcher({ ...params, operationName }, { ...opts, documentAST: document });
};

const container = document.getElementById('playground');
if (!container) throw new Error('the page has no #playground element');
container.style.height = '100vh';

createRoot(container).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultTabs={[...EXAMPLE_TABS]} defaultHeaders={DEFAULT_HEADERS} defaultEditorToolsVisibility="variables" />
  </StrictMode>,
);
