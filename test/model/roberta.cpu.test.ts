import '../../index.js';
import { getBackendByName } from '../../engine/select.js';
import { describeModelParity } from './modelParity.js';

describeModelParity('cpu', () => getBackendByName('cpu'));
