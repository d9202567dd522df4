/** Where the .proto sources and their generated types live. */
import path from 'node:path';

import { PROJECT_ROOT } from '../paths';

export const PROTO_DIR = path.join(PROJECT_ROOT, 'proto');
export const PROTO_FILES = ['inference.proto', 'open_inference.proto'] as const;
export const INFERENCE_PROTO = path.join(PROTO_DIR, 'inference.proto');
/** Open Inference Protocol v2 (package `inference`). */
export const OPEN_INFERENCE_PROTO = path.join(PROTO_DIR, 'open_inference.proto');
export const GENERATED_DIR = path.join(PROJECT_ROOT, 'lib', 'grpc', 'generated');
