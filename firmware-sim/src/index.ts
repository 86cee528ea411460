export { buildControlApi, type DeviceEndpoint } from './control/control-api.js';
export { SIM_ERRORS } from './errors.js';
export { ModbusTcpServer } from './modbus/modbus-tcp-server.js';
export { ModbusException, SimulatedDevice } from './simulated-device.js';
export { FirmwareSimulator, type SimulatorEndpoints } from './simulator.js';
