import assert from 'node:assert/strict';
import { conditionProblem, dataTypeConflict, pointDataType } from '../../../core/src/index.js';

describe('point data type: boolean or number, whatever the protocol', () => {
  const rows = [
    { point: { modbus: { type: 'bool' as const } }, expected: 'boolean' },
    { point: { modbus: { type: 'uint16' as const } }, expected: 'number' },
    { point: { modbus: { type: 'float32' as const }, opcua: { dataType: 'Double' as const } }, expected: 'number' },
    { point: { opcua: { dataType: 'Boolean' as const } }, expected: 'boolean' },
    { point: { opcua: { dataType: 'Float' as const } }, expected: 'number' },
    { point: { opcua: {} }, expected: 'number' },
  ];
  for (const { point, expected } of rows) {
    it(`${JSON.stringify(point)} → ${expected}`, () => assert.equal(pointDataType(point), expected));
  }

  it('an OPC UA-only Boolean is validated as boolean, not analog', () => {
    const problem = conditionProblem({ dataType: pointDataType({ opcua: { dataType: 'Boolean' } }) }, 'hihi', 1);
    assert.match(problem?.[0] ?? '', /needs an analog point/);
    assert.equal(conditionProblem({ dataType: 'boolean' }, 'state', 1), undefined);
  });

  it('a point whose Modbus and OPC UA types disagree is named', () => {
    assert.match(
      dataTypeConflict({ modbus: { type: 'bool' }, opcua: { dataType: 'Double' } }) ?? '',
      /bool register served as OPC UA Double/,
    );
    assert.match(
      dataTypeConflict({ modbus: { type: 'int16' }, opcua: { dataType: 'Boolean' } }) ?? '',
      /int16 register served as OPC UA Boolean/,
    );
    assert.equal(dataTypeConflict({ modbus: { type: 'bool' }, opcua: { dataType: 'Boolean' } }), undefined);
    assert.equal(dataTypeConflict({ modbus: { type: 'bool' } }), undefined);
  });
});
