import { createInferenceClient } from '../../../lib/grpc/client';
import { createOipClient } from '../../../lib/grpc/oip-client';
import { createLogger } from '../../../lib/logger';
import { ModelCatalog } from './catalog';
import { OipCatalog } from './oip/catalog';

// Nothing listens on port 1: neither catalog can sync.
const NOWHERE = '127.0.0.1:1';
const silent = createLogger('prediction-subgraph', 'silent');

describe('whenSynced of a catalog closed before it synced', () => {
  it('rejects for the registry mirror (infergraph)', async () => {
    const client = createInferenceClient(NOWHERE);
    const catalog = new ModelCatalog(client, silent);
    catalog.start();
    const waiting = catalog.whenSynced();
    catalog.dispose();
    client.close();
    await expect(waiting).rejects.toThrow('the model registry mirror was closed before it synced');
    await expect(catalog.whenSynced()).rejects.toThrow('closed before it synced');
  });

  it('rejects for the OIP catalog', async () => {
    const client = createOipClient(NOWHERE);
    const catalog = new OipCatalog(client, { defaultVersions: new Map([['sentiment', 'v1']]), canary: [], refreshMs: 100, deadlineMs: 500 }, silent);
    catalog.start();
    const waiting = catalog.whenSynced();
    catalog.dispose();
    client.close();
    await expect(waiting).rejects.toThrow('the OIP model catalog was closed before it synced');
  });
});
