import '../../index.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { RobertaModel } from '../../model/roberta.js';
import { tensor } from '../../engine/ops/creation.js';
import { fixtureDir, fixtureExpected, fixtureInputs } from './fixtureModels.js';

it('position ids follow HF create_position_ids_from_input_ids (count from padding_idx + 1, padding gets padding_idx)', async () => {
  const model = await fromPretrained(fixtureDir('tiny'));
  expect(model).toBeInstanceOf(RobertaModel);
  const inputs = fixtureInputs('tiny');
  const ids = tensor(Int32Array.from(inputs.input_ids.flat()), [3, 12], 'int32');
  const positions = (model as RobertaModel).embeddings.positionIds(ids);
  expect(Array.from(await positions.data())).toEqual(Array.from(fixtureExpected('tiny').get('position_ids')!.data));
  positions.dispose();
  ids.dispose();
  model.dispose();
});
