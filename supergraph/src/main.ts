/** Entry point of the supergraph: `npm run start:supergraph`. */
import { runService } from '../../lib/service-process';
import { loadSupergraphConfig } from './config';
import { startSupergraph } from './server';

runService('supergraph', () => loadSupergraphConfig(), startSupergraph);
