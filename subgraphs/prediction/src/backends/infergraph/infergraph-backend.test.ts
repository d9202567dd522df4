import { until } from '../../../../../lib/until';
import { backendContract, inFrontOfInferenceGrpc } from '../backend-contract';
import type { BackendUnderTest } from '../backend-contract';
import { createInfergraphBackend } from './infergraph-backend';

const start = inFrontOfInferenceGrpc(createInfergraphBackend);

backendContract('infergraph backend', start);

describe('infergraph backend: load ids', () => {
  let fixture: BackendUnderTest;
  beforeAll(async () => {
    fixture = await start({});
  });
  afterAll(() => fixture.close());

  it('gives each prediction the id of the load that answered, as its catalog lists the version', async () => {
    const { backend } = fixture;
    const [answer] = backend.predictBatch({ model: 'numeric', version: 'v1' }, [{ features: [1, 2] }], ['r1']);
    const prediction = await answer;
    expect(prediction?.loadId).toMatch(/^0(:[0-9a-f]{16})?$/);
    const listed = (): string | null | undefined => backend.catalog.get('numeric')?.versions.find((v) => v.version === 'v1')?.loadId;
    await until(() => listed() === prediction?.loadId, 'the catalog to list the load that answered');
  });
});
