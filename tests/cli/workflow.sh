# The Snakemake workflow (workflow/Snakefile) on bundled data with 2 cores:
# the genome scanned in 3 shards and gathered must equal one unsharded scan
# byte for byte (q-values included); the pair-HMM test, the training run, the
# report and MultiQC's page must be made.  Skipped when snakemake is absent
# (make deps installs it).
if command -v snakemake >/dev/null 2>&1; then
	WF=$T/wf
	rm -rf "$WF" && mkdir -p "$WF"
	SCAN_ARGS="--thresh 1e-4 --motif MA0139.2 --motif MA0050.4 --motif MA1125.2 --motif MA0506.3"
	cat > "$WF/config.yaml" <<EOF_CFG
tessera: $(cd "$(dirname "$TESSERA")" && pwd)/$(basename "$TESSERA")
outdir: $PWD/$WF/results
genome: $PWD/data/genome/ecoli_k12_mg1655.fa.gz
motifs: ""
scan_shards: 3
scan_args: "$SCAN_ARGS"
samples:
  pacbio:
    bam: $PWD/data/reads/pacbio_rsii_lambda_subreads.bam
    ref: $PWD/data/reads/pacbio_lambdaNEB_ref.fasta
train:
  pos: $PWD/data/fixtures/cnn/pos.fa
  neg: $PWD/data/fixtures/cnn/neg.fa
  args: "-K 8 -W 12 --lr 0.01 --batch 32 --epochs 6 --seed 1"
EOF_CFG
	run snakemake -s workflow/Snakefile --configfile "$WF/config.yaml" --cores 2 -d "$WF" --quiet
	expect_rc 0
	"$TESSERA" scan --quiet $SCAN_ARGS data/genome/ecoli_k12_mg1655.fa.gz > "$WF/unsharded.tsv"
	cmp -s "$WF/results/scan/hits.tsv" "$WF/unsharded.tsv" || fail_because "gathered hits differ from one unsharded scan"
	[ "$(wc -l < "$WF/unsharded.tsv")" -gt 1000 ] || fail_because "too few hits to tell"
	want="pairhmm/pacbio.txt pairhmm/pacbio_mqc.json train/model.json report.html"
	command -v multiqc >/dev/null 2>&1 && want="$want multiqc/multiqc_report.html"
	for f in $want; do
		[ -s "$WF/results/$f" ] || fail_because "no results/$f"
	done
	ls "$WF/results/scan/"*.part >/dev/null 2>&1 && fail_because "the shards' partial files were not removed (temp)"
	check workflow_snakemake_sharded_scan_equals_unsharded
else
	skip workflow_snakemake_sharded_scan_equals_unsharded "snakemake not installed (make deps installs it)"
fi
