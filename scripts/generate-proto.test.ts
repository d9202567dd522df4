import { generateProtoTypes } from './generate-proto';
import { expectNoDrift } from '../test/helpers/drift';
import { GENERATED_DIR } from '../lib/grpc/proto';

describe('generated gRPC types', () => {
  it('match proto/ exactly (run `npm run generate:proto` after changing a .proto)', () => {
    expectNoDrift(GENERATED_DIR, generateProtoTypes);
  });
});
