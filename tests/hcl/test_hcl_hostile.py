"""Hostile .tf input: file functions stay inside the module tree, every cap is an
InputError (exit 2) naming the .tf file and line, nothing hangs or crashes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from engine.errors import InputError
from engine.settings import DEFAULT_LIMITS
from engine.sources.terraform_hcl import read_hcl

Tree = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]


def tagged(expr: str) -> str:
    return f'resource "aws_instance" "x" {{\n  instance_type = "t3.micro"\n' \
           f'  tags = {{ Leak = {expr} }}\n}}\n'


# (name, tag expression, fragment of the error) -- the expression is on line 3 of main.tf
FILE_CASES = [
    ("proc-environ", 'file("/proc/self/environ")', "absolute path '/proc/self/environ'"),
    ("etc-passwd", 'filebase64("/etc/passwd")', "absolute path"),
    ("home", 'file("~/.bashrc")', "absolute path"),
    ("dotdot", 'file("../secret.txt")', "outside the module directory"),
    ("dotdot-deep", 'file("${path.module}/a/../../secret.txt")', "outside the module"),
    ("dotdot-proc", 'file("../../../../../../../../proc/self/environ")', "outside the module"),
    ("symlink-out", 'file("link.txt")', "outside the module directory"),
    ("symlink-dir-out", 'file("linkdir/secret.txt")', "outside the module directory"),
    ("fifo", 'file("pipe")', "not a regular file"),
    ("directory", 'file("sub")', "not a regular file"),
    ("git-config", 'file(".git/config")', "inside a .git directory"),
    ("too-big", 'file("big.txt")', "limit file_read_bytes"),
    ("templatefile-out", 'templatefile("../secret.txt", {})', "outside the module"),
    ("fileexists-out", 'fileexists("/proc/self/environ") ? "y" : "n"', "absolute path"),
    ("fileset-out", 'length(fileset("/", "**"))', "absolute path"),
    ("filemd5-out", 'filemd5("/proc/self/environ")', "absolute path"),
    ("filesha256-out", 'filesha256("../secret.txt")', "outside the module"),
    ("filebase64sha256-out", 'filebase64sha256("link.txt")', "outside the module"),
    ("try-does-not-hide", 'try(file("/proc/self/environ"), "x")', "absolute path"),
    ("nested-template", 'templatefile("evil.tpl", {})', "absolute path"),
]


@pytest.fixture
def hostile_root(tmp_path: Path) -> Path:
    outside = tmp_path / "secret.txt"
    outside.write_text("TOPSECRET-CANARY")
    (tmp_path / "secretdir").mkdir()
    (tmp_path / "secretdir" / "secret.txt").write_text("TOPSECRET-CANARY")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    (root / "linkdir").symlink_to(tmp_path / "secretdir")
    os.mkfifo(root / "pipe")
    (root / "sub").mkdir()
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("extraheader = AUTHORIZATION: TOPSECRET-CANARY")
    (root / "big.txt").write_text("x" * (DEFAULT_LIMITS.file_read_bytes + 1))
    (root / "evil.tpl").write_text('${file("/proc/self/environ")}')
    return root


@pytest.mark.parametrize("name,expr,fragment", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_file_functions_refuse_reads_outside_the_tree(hostile_root: Path, name: str,
                                                      expr: str, fragment: str) -> None:
    (hostile_root / "main.tf").write_text(tagged(expr))
    with pytest.raises(InputError) as info:
        read_hcl(hostile_root)
    err = info.value
    assert fragment in err.message
    assert err.file and err.file.endswith("main.tf") and err.line == 3, str(err)
    assert "TOPSECRET" not in str(err) and "PATH=" not in str(err)


def test_file_functions_read_inside_the_tree(tree: Tree) -> None:
    root = tree({
        "main.tf": tagged('"${file("data/a.txt")}|${fileexists("nope") ? 1 : 0}|'
                          '${filemd5("data/a.txt")}|${templatefile("t.tpl", { n = 2 })}|'
                          '${file("inlink.txt")}"'),
        "data/a.txt": "hello",
        "t.tpl": "n=${n}",
    })
    (root / "inlink.txt").symlink_to(root / "data" / "a.txt")  # a symlink that stays inside
    tags = read_hcl(root).changes[0].tags_after
    assert tags == {"Leak": "hello|0|5d41402abc4b2a76b9719d911017c592|n=2|hello"}


def test_a_module_outside_the_root_reads_its_own_files_only(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "tagger"
    shared.mkdir(parents=True)
    (shared / "note.txt").write_text("from-shared")
    (tmp_path / "secret.txt").write_text("TOPSECRET-CANARY")
    (shared / "main.tf").write_text(
        'variable "extra" { default = "" }\n'
        'resource "aws_instance" "x" {\n'
        '  tags = { Note = file("${path.module}/note.txt"), Extra = var.extra }\n}\n')
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text('module "t" {\n  source = "../shared/tagger"\n}\n')
    assert read_hcl(root).changes[0].tags_after == {"Note": "from-shared", "Extra": ""}
    (shared / "main.tf").write_text(
        'resource "aws_instance" "x" {\n'
        '  tags = { Note = file("${path.module}/../../secret.txt") }\n}\n')
    with pytest.raises(InputError, match="outside the module directory") as info:
        read_hcl(root)
    assert info.value.line == 2 and "TOPSECRET" not in str(info.value)


LIMIT_CASES = [
    ("count-1e999", 'resource "aws_instance" "x" {\n  count = 1e999\n}\n', 2, "out of range"),
    ("count-huge", 'resource "aws_instance" "x" {\n  count = 100001\n}\n', 2,
     "limit instances"),
    ("count-pow", 'resource "aws_instance" "x" {\n  count = pow(10, 400)\n}\n', 2,
     "out of range"),
    ("count-negative", 'resource "aws_instance" "x" {\n  count = -1\n}\n', 2, "negative"),
    ("count-fraction", 'resource "aws_instance" "x" {\n  count = 1.5\n}\n', 2, "whole number"),
    ("for-each-huge", 'locals {\n  k = [for i in range(1000) : [for j in range(200) : "${i}-${j}"]]\n}\n'
     'resource "aws_instance" "x" {\n  for_each = toset(flatten(local.k))\n}\n', 5,
     "limit collection_length"),
    ("module-count-huge", 'module "m" {\n  source = "./m"\n  count = 200000\n}\n', 3,
     "limit instances"),
    ("string-doubling", "locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n"
     + "".join(f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"\n' for i in range(1, 30))
     + "}\nresource \"aws_instance\" \"x\" {\n  tags = { a = local.s29 }\n}\n", 18,
     "limit string_length"),
    ("join-doubling", "locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n"
     + "".join(f'  s{i} = join("", [local.s{i - 1}, local.s{i - 1}])\n' for i in range(1, 30))
     + "}\nresource \"aws_instance\" \"x\" {\n  tags = { a = local.s29 }\n}\n", 18,
     "limit string_length"),
    ("format-width", 'locals {\n  s = format("%999999999d", 1)\n}\n', 2, "limit string_length"),
    ("format-doubling", "locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n"
     + "".join(f'  s{i} = format("%s%s", local.s{i - 1}, local.s{i - 1})\n' for i in range(1, 30))
     + "}\nresource \"aws_instance\" \"x\" {\n  tags = { a = local.s29 }\n}\n", 18,
     "limit string_length"),
    ("template-for", 'locals {\n  a = [for i in range(1000) : "${i}"]\n'
     '  s = "%{for x in local.a}%{for y in local.a}${x}${y}%{endfor}%{endfor}"\n}\n', 3,
     "limit"),
    ("indent", 'locals {\n  s = indent(900000000, "a\\nb")\n}\n', 2, "limit string_length"),
    ("replace", 'locals {\n  a = join("", [for i in range(1000) : "a"])\n'
     '  s = replace(local.a, "a", local.a)\n  t = replace(local.s, "a", local.a)\n}\n', 4,
     "limit string_length"),
    ("pow-int", 'locals {\n  n = pow(10, 100000000)\n}\n', 2, "out of range"),
    ("pow-float", 'locals {\n  n = pow(10.5, 1e6)\n}\n', 2, "out of range"),
    ("multiply-overflow", 'locals {\n  n = 1e300 * 1e300\n}\n', 2, "out of range"),
    ("setproduct", 'locals {\n  r = range(1000)\n  p = setproduct(local.r, local.r, local.r)\n}\n',
     3, "limit collection_length"),
    ("nested-for", 'locals {\n  r = [for i in range(1000) : i]\n'
     '  n = [for a in local.r : [for b in local.r : [for c in local.r : 1]]]\n}\n', 3,
     "limit hcl_steps"),
    ("toset-quadratic-is-fast", 'locals {\n  r = [for i in range(1000) : [for j in range(99) : "${i}-${j}"]]\n'
     '  s = toset(flatten(local.r))\n}\nresource "aws_instance" "x" {\n'
     '  count = length(local.s) * 2\n}\n',
     6, "limit instances"),
    ("regex-backreference", 'locals {\n  m = regex("(a)\\\\1", "aa")\n}\n', 2, "not valid RE2"),
    ("regex-lookahead", 'locals {\n  m = regexall("a(?=b)", "ab")\n}\n', 2, "lookaround"),
    ("replace-regex-bad", 'locals {\n  m = replace("ab", "/(?<=a)b/", "c")\n}\n', 2, "RE2"),
    ("deep-locals", "locals {\n  l0 = 1\n"
     + "".join(f"  l{i} = local.l{i - 1} + 1\n" for i in range(1, 3000))
     + "}\nresource \"aws_instance\" \"x\" {\n  tags = { a = local.l2999 }\n}\n", None,
     "nested too deeply"),
]


@pytest.mark.parametrize("name,text,line,fragment", LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES])
def test_limits_are_input_errors_with_file_and_line(tree: Tree, name: str, text: str,
                                                    line: int | None, fragment: str) -> None:
    files = {"main.tf": text, "m/main.tf": 'resource "aws_instance" "y" {}\n'}
    if 'resource "' not in text:  # a resource reads every local (unread locals are not evaluated)
        names = re.findall(r"^  (\w+) =", text, re.M)
        reads = ", ".join(f"{n} = local.{n}" for n in names)
        files["use.tf"] = f'resource "aws_instance" "x" {{\n  tags = {{ {reads} }}\n}}\n'
    root = tree(files)
    code = textwrap.dedent(f"""
        import sys
        from engine.errors import InputError
        from engine.sources.terraform_hcl import read_hcl
        from engine.sources.hcl.reader import Context
        try:
            read_hcl({str(root)!r})
        except InputError as exc:
            print(exc.file, exc.line, exc.message, sep="\\t")
        else:
            print("no error")
    """)
    # a child process with a timeout: what this guards against is a hang or a crash
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "COSTWARDEN_CACHE_DIR": "off"})
    assert out.returncode == 0, out.stderr[-2000:]
    file, got_line, message = out.stdout.strip().split("\t", 2)
    assert fragment in message, message
    assert file.endswith(".tf")
    if line is not None:
        assert got_line == str(line), out.stdout


def test_limits_come_from_the_settings(tree: Tree) -> None:
    root = tree({"main.tf": 'resource "aws_instance" "x" {\n  count = 5\n}\n'})
    assert len(read_hcl(root).changes) == 5
    with pytest.raises(InputError, match="more than 4 .limit instances") as info:
        read_hcl(root, limits=DEFAULT_LIMITS.with_overrides({"instances": "4"}))
    assert info.value.line == 2
    root = tree({"main.tf": 'resource "aws_instance" "x" {\n  for_each = toset(["a", "b"])\n}\n'},
                root="fe")
    with pytest.raises(InputError, match="for_each makes 2 instances") as info:
        read_hcl(root, limits=DEFAULT_LIMITS.with_overrides({"instances": "1"}))
    assert info.value.line == 2


def test_module_cycle_is_an_error_naming_the_cycle(tree: Tree) -> None:
    root = tree({
        "main.tf": 'module "a" {\n  source = "./a"\n}\n',
        "a/main.tf": 'module "b" {\n  source = "../b"\n}\nresource "aws_instance" "x" {}\n',
        "b/main.tf": 'module "a" {\n  source = "../a"\n}\n',
    })
    with pytest.raises(InputError, match="module cycle") as info:
        read_hcl(root)
    assert "module.a (" in info.value.message and "module.a.module.b.module.a" in \
        info.value.message
    assert info.value.file.endswith("main.tf") and info.value.line == 1


def test_module_calling_itself(tree: Tree) -> None:
    root = tree({"main.tf": 'module "me" {\n  source = "./"\n}\nresource "aws_instance" "x" {}\n'})
    with pytest.raises(InputError, match="module cycle: root module"):
        read_hcl(root)


def test_module_depth_limit(tree: Tree) -> None:
    files = {f"m{i}/main.tf": f'module "n" {{\n  source = "../m{i + 1}"\n}}\n' for i in range(5)}
    files["m5/main.tf"] = 'resource "aws_instance" "x" {}\n'
    files["main.tf"] = 'module "n" {\n  source = "./m0"\n}\n'
    root = tree(files)
    assert len(read_hcl(root).changes) == 1
    with pytest.raises(InputError, match="limit module_depth"):
        read_hcl(root, limits=DEFAULT_LIMITS.with_overrides({"module_depth": "3"}))


@pytest.mark.parametrize("text,fragment", [
    ('{"n": 1e999}', "out of range"), ('{"n": NaN}', "not a JSON number"),
    ('{"n": Infinity}', "not a JSON number"),
])
def test_tfvars_json_numbers_out_of_range(tree: Tree, text: str, fragment: str) -> None:
    root = tree({"main.tf": 'variable "n" {}\nresource "aws_instance" "x" {\n  count = var.n\n}\n',
                 "terraform.tfvars.json": text})
    with pytest.raises(InputError, match=fragment):
        read_hcl(root)


def test_jsondecode_and_tonumber_refuse_non_finite(tree: Tree) -> None:
    root = tree({"main.tf": 'resource "aws_instance" "x" {\n'
                            '  tags = { a = jsondecode("1e999"), b = tonumber("1e999") }\n}\n'})
    cs = read_hcl(root)
    assert cs.changes[0].tags_after == {}
    assert {"a", "b"} <= cs.changes[0].unknown_tag_keys or any(
        "jsondecode" in w for w in cs.warnings)


NUMBER_VAR = ('variable "n" {\n  type = number\n%s}\nresource "aws_instance" "x" {\n'
              '  instance_type = "t3.micro"\n  count = var.n\n}\n')


@pytest.mark.parametrize("name,files,variables,where", [
    ("cli-1e999", {}, {"n": "1e999"}, "-var: variable n: number '1e999'"),
    ("cli-nan", {}, {"n": "NaN"}, "-var: variable n: number 'NaN'"),
    ("cli-neg-inf", {}, {"n": "-Infinity"}, "-var: variable n: number '-Infinity'"),
    ("tfvars-nan", {"terraform.tfvars": 'n = "NaN"\n'}, None,
     "terraform.tfvars: variable n: number 'NaN'"),
    ("tfvars-json-string", {"x.auto.tfvars.json": '{"n": "1e999"}'}, None,
     "x.auto.tfvars.json: variable n: number '1e999'"),
    ("default", {"default": '  default = "inf"\n'}, None, "main.tf:1: var.n: number 'inf'"),
])
def test_number_variables_refuse_non_finite_values(tree: Tree, name: str, files: dict,
                                                   variables: dict | None, where: str) -> None:
    default = files.pop("default", "")
    root = tree({"main.tf": NUMBER_VAR % default, **files})
    with pytest.raises(InputError) as info:
        read_hcl(root, variables=variables)
    assert where in str(info.value) and "is not a finite number" in str(info.value)


def test_number_variables_keep_finite_strings(tree: Tree) -> None:
    root = tree({"main.tf": NUMBER_VAR % ""})
    assert len(read_hcl(root, variables={"n": "2"}).changes) == 2
