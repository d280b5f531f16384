"""A local SigmaMind API emulator for tests, demos and benchmarks (loopback only by default).

with Emulator(data=load_data(path), api_key="k", dialect="modern") as emu:
    httpx.get(emu.url + "/v1/integrations/intg_X", headers={"X-API-Key": "k"})
"""

from .data import DEMO_DATA_PATH, load_data
from .generate import generated_data
from .records import EmulatorDataError
from .server import Emulator

__all__ = ["DEMO_DATA_PATH", "Emulator", "EmulatorDataError", "generated_data", "load_data"]
