/** The dashboard served at /dashboard: models, live latency, canary control, version statistics and control, and predictions, over GraphQL only. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import './dashboard.css';

const container = document.getElementById('dashboard');
if (!container) throw new Error('the page has no #dashboard element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
