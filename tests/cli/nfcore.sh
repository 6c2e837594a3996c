# The nf-core-style Nextflow modules (modules/tessera/*/main.nf).  Nextflow
# is not installable here, so each module's script and stub blocks are
# rendered for one task (tests/tools/nf_render.py) and run with sh in a task
# directory, as Nextflow would: the declared outputs must appear, the hits
# must equal a direct run, and versions.yml must carry `tessera --version`.
PY=/usr/bin/python3
BIN=$(cd "$(dirname "$TESSERA")" && pwd)
WANT_VERSION=$("$TESSERA" --version | head -n 1 | sed 's/^tessera //')

nf_task() {  # nf_task DIR MODULE BLOCK NAME=VALUE...: render and run in DIR
	dir=$1 module=$2 block=$3
	shift 3
	rm -rf "$dir" && mkdir -p "$dir"
	$PY tests/tools/nf_render.py "modules/tessera/$module/main.nf" "$block" "$@" > "$dir/.command.sh" &&
		(cd "$dir" && PATH="$BIN:$PATH" sh -e .command.sh > .command.out 2> .command.err)
}

# scan: sequences and a motif file, threads from task.cpus, args from ext.args
ln -sf "$PWD/data/fixtures/scan/genome.fa" "$T/nf_genome.fa"
ln -sf "$PWD/data/fixtures/scan/motifs.meme" "$T/nf_motifs.meme"
nf_task "$T/nf_scan" scan script task.cpus=2 task.process=TESSERA_SCAN args="--thresh 1e-3" prefix=sample1 \
	motif_arg="--motifs $PWD/$T/nf_motifs.meme" sequences="$PWD/$T/nf_genome.fa"
rc=$?; why=""
expect_rc 0
"$TESSERA" scan --thresh 1e-3 -m "$T/nf_motifs.meme" "$T/nf_genome.fa" > "$T/nf_direct.tsv" 2>/dev/null
cmp -s "$T/nf_scan/sample1.hits.tsv" "$T/nf_direct.tsv" || fail_because "the module's hits differ from a direct run"
[ -s "$T/nf_scan/sample1_mqc.json" ] || fail_because "no sample1_mqc.json"
grep -q "^    tessera: $WANT_VERSION\$" "$T/nf_scan/versions.yml" || fail_because "versions.yml lacks 'tessera: $WANT_VERSION'"
grep -q '^"TESSERA_SCAN":$' "$T/nf_scan/versions.yml" || fail_because "versions.yml lacks the process name"
check nfcore_scan_module_script

nf_task "$T/nf_scan_stub" scan stub task.process=TESSERA_SCAN prefix=sample1
rc=$?; why=""
expect_rc 0
[ -e "$T/nf_scan_stub/sample1.hits.tsv" ] && [ -e "$T/nf_scan_stub/sample1_mqc.json" ] || fail_because "stub outputs missing"
grep -q "tessera: $WANT_VERSION" "$T/nf_scan_stub/versions.yml" || fail_because "stub versions.yml"
check nfcore_scan_module_stub

# pairhmm: a BAM with its index and the reference with its .fai
nf_task "$T/nf_phmm" pairhmm script task.cpus=2 task.process=TESSERA_PAIRHMM args= prefix=pacbio \
	bam="$PWD/data/reads/pacbio_rsii_lambda_subreads.bam" fasta="$PWD/data/reads/pacbio_lambdaNEB_ref.fasta"
rc=$?; why=""
expect_rc 0
grep -q '^Verdict: insertions open' "$T/nf_phmm/pacbio.pairhmm.txt" || fail_because "no verdict in pacbio.pairhmm.txt"
$PY -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if "pacbio" in d["data"] else 1)' \
	"$T/nf_phmm/pacbio_mqc.json" || fail_because "pacbio_mqc.json lacks the sample"
[ -s "$T/nf_phmm/pacbio.pairhmm.json" ] || fail_because "no pacbio.pairhmm.json"
grep -q "tessera: $WANT_VERSION" "$T/nf_phmm/versions.yml" || fail_because "versions.yml"
check nfcore_pairhmm_module_script

nf_task "$T/nf_phmm_stub" pairhmm stub task.process=TESSERA_PAIRHMM prefix=pacbio
rc=$?; why=""
expect_rc 0
for f in pacbio.pairhmm.txt pacbio.pairhmm.json pacbio_mqc.json versions.yml; do
	[ -e "$T/nf_phmm_stub/$f" ] || fail_because "stub lacks $f"
done
check nfcore_pairhmm_module_stub

# every input and output a module declares is documented in its meta.yml
for m in scan pairhmm; do
	$PY - "modules/tessera/$m/main.nf" "modules/tessera/$m/meta.yml" <<'PYEOF' || fail_because "$m: meta.yml does not match main.nf"
import re, sys
nf, meta = open(sys.argv[1]).read(), open(sys.argv[2]).read()
inp = nf.split("input:")[1].split("output:")[0]
out = nf.split("output:")[1].split("when:")[0]
names = re.findall(r"(?:val|path)\((\w+)\)", inp) + re.findall(r"emit: (\w+)", out)
missing = [n for n in names if not re.search(r"^\s+- %s:" % n, meta, re.M)]
sys.exit(1 if missing else 0)
PYEOF
done
check nfcore_meta_yml_documents_io
