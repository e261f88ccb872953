"""Terraform's number, CIDR and JSON-decoding functions: range, sum, pow, min/max,
cidrsubnet, cidrhost and jsondecode. Numbers that cannot be represented (pow past
`MAX_INT_BITS` bits, NaN or infinity in JSON) are refused, not computed."""

from __future__ import annotations

import ipaddress
import json
import math
from typing import Any, Callable

from engine.sources.hcl.values import (
    MAX_INT_BITS, EvalError, Refused, norm_number, to_number, to_string,
)
from engine.sources.hcl.text_functions import as_list


def _range(*args: Any) -> list[Any]:
    if not 1 <= len(args) <= 3:
        raise EvalError("range(): 1 to 3 arguments")
    nums = [to_number(a) for a in args]
    start, stop, step = (0, nums[0], 1) if len(nums) == 1 else (nums + [1])[:3]
    if step == 0:
        raise EvalError("range(): step must not be zero")
    out, x = [], start
    while (x < stop) if step > 0 else (x > stop):
        out.append(norm_number(x))
        x += step
        if len(out) > 1024:
            raise EvalError("range(): more than 1024 elements")
    return out


def _sum(v: Any) -> Any:
    lst = as_list(v, "sum")
    if not lst:
        raise EvalError("sum(): the list is empty")
    return norm_number(math.fsum(to_number(x) for x in lst))


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    net = ipaddress.ip_network(prefix, strict=False)
    new_prefix = net.prefixlen + int(to_number(newbits))
    size = 1 << (net.max_prefixlen - new_prefix)
    addr = int(net.network_address) + int(to_number(netnum)) * size
    return str(ipaddress.ip_network((addr, new_prefix)))


def _cidrhost(prefix: str, hostnum: Any) -> str:
    net = ipaddress.ip_network(prefix, strict=False)
    n = int(to_number(hostnum))
    return str(net.network_address + n if n >= 0 else net.broadcast_address + n + 1)


def _minmax(pick: Callable[..., Any]) -> Callable[..., Any]:
    def fn(*args: Any) -> Any:
        if not args:
            raise EvalError("at least one argument is required")
        return pick(to_number(a) for a in args)
    return fn


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _jsondecode(s: str) -> Any:
    try:
        return json.loads(to_string(s), parse_float=_finite, parse_constant=_no_constant,
                          parse_int=lambda t: norm_number(int(t)))
    except (ValueError, RecursionError) as exc:
        raise EvalError(f"jsondecode(): {str(exc)[:200]}") from None


def _pow(x: Any, y: Any) -> Any:
    a, b = to_number(x), to_number(y)
    if type(a) is int and type(b) is int and b > 0 and abs(a) > 1:
        if b * math.log2(abs(a)) > MAX_INT_BITS:
            raise Refused("pow(): number out of range")
        return a ** b
    if a < 0 and not float(b).is_integer():
        raise EvalError("pow(): a negative number to a fractional power")
    if a == 0 and b < 0:
        raise EvalError("pow(): zero to a negative power")
    return norm_number(float(a) ** float(b))
