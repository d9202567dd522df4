import { generateProtoTypes } from '../../scripts/generate-proto';
import { expectNoDrift } from '../../test/helpers/drift';
import { GENERATED_DIR } from './proto';

describe('generated gRPC types', () => {
  it('match proto/ exactly (run `npm run generate:proto` after changing a .proto)', () => {
    expectNoDrift(GENERATED_DIR, generateProtoTypes);
  });
});
