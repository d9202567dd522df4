import { backendContract, inFrontOfInferenceGrpc } from '../backend-contract';
import { createOipBackend } from './oip-backend';

backendContract('OIP backend', inFrontOfInferenceGrpc(createOipBackend, { INFERENCE_PROTOCOL: 'oip' }));
