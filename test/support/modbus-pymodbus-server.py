"""An independent Modbus server for the acquisition tests (pymodbus 3.0).

Serves the listed unit ids on one TCP port; any other unit id gets no answer at
all (ignore_missing_slaves), which is how a dead unit behind a serial gateway
looks to the master. Holding and input register i of unit u start at
u * 1000 + i; coils start off. `--framer rtu` serves RTU framing over TCP.
`--serial PATH` also serves the same units, RTU at 9,600 baud, on a serial
port (e.g. one end of a socat pty pair), the TCP port then being a second
master's way to change values.

Usage: modbus-pymodbus-server.py PORT UNITS [--framer socket|rtu] [--serial PATH]
Prints "ready" on stdout once it listens.
"""
import asyncio
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.framer.socket_framer import ModbusSocketFramer
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer


def unit_context(unit):
    registers = [unit * 1000 + i for i in range(300)]
    return ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [0] * 300),
        co=ModbusSequentialDataBlock(0, [0] * 300),
        hr=ModbusSequentialDataBlock(0, list(registers)),
        ir=ModbusSequentialDataBlock(0, list(registers)),
        zero_mode=True,
    )


async def main():
    port = int(sys.argv[1])
    units = [int(u) for u in sys.argv[2].split(",")]
    framer = ModbusRtuFramer if "--framer" in sys.argv and sys.argv[sys.argv.index("--framer") + 1] == "rtu" else ModbusSocketFramer
    context = ModbusServerContext(slaves={u: unit_context(u) for u in units}, single=False)
    server = await StartAsyncTcpServer(
        context=context,
        address=("127.0.0.1", port),
        framer=framer,
        ignore_missing_slaves=True,
        defer_start=True,
    )
    task = asyncio.ensure_future(server.serve_forever())
    for _ in range(200):
        if server.server is not None:
            break
        await asyncio.sleep(0.01)
    if "--serial" in sys.argv:
        serial = await StartAsyncSerialServer(
            context=context,
            framer=ModbusRtuFramer,
            port=sys.argv[sys.argv.index("--serial") + 1],
            baudrate=9600,
            ignore_missing_slaves=True,
            defer_start=True,
        )
        await serial.start()
    print("ready", flush=True)
    await task


asyncio.run(main())
