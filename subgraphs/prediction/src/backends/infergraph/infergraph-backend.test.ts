import { backendContract, inFrontOfInferenceGrpc } from '../backend-contract';
import { createInfergraphBackend } from './infergraph-backend';

backendContract('infergraph backend', inFrontOfInferenceGrpc(createInfergraphBackend));
