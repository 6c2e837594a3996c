#!/usr/bin/python3
"""nf_render: the shell script a Nextflow module's process would run.

Nextflow is not installable here, so the CLI tests render the `script:` (or
`stub:`) block of modules/tessera/*/main.nf the way Nextflow would for one
task and run it with sh.  Only what the modules use is understood: the
triple-quoted command string, Groovy `$name` / `${name}` / `${a.b}`
interpolation of the values given as NAME=VALUE arguments, and the escapes
\\\\ and \\$.  An unknown variable is an error, so a module cannot silently
lose an argument.

Usage: nf_render.py main.nf script|stub NAME=VALUE...  > task.sh"""
import re
import sys

path, block, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
values = dict(p.split("=", 1) for p in pairs)
text = open(path).read()
m = re.search(r"^\s*%s:\s*\n(.*?)\"\"\"(.*?)\"\"\"" % block, text, re.S | re.M)
if not m:
    sys.exit("%s: no %s: block with a \"\"\" command" % (path, block))


def subst(match):
    name = match.group(1) or match.group(2)
    if name not in values:
        sys.exit("%s: %s block uses ${%s}, not given" % (path, block, name))
    return values[name]


body = m.group(2).replace("\\\\", "\x00").replace("\\$", "\x01")
body = re.sub(r"\$\{([A-Za-z_][\w.]*)\}|\$([A-Za-z_][\w.]*[A-Za-z_0-9])", subst, body)
body = body.replace("\x00", "\\").replace("\x01", "$")
# `cat <<-END` strips leading tabs only; the modules indent with spaces, as
# nf-core does, and Nextflow strips the common indentation of the block
lines = body.split("\n")
indent = min((len(l) - len(l.lstrip(" ")) for l in lines if l.strip()), default=0)
sys.stdout.write("\n".join(l[indent:] for l in lines).strip("\n") + "\n")
