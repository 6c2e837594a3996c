process TESSERA_PAIRHMM {
    tag "$meta.id"
    label 'process_medium'

    // tessera is not on Bioconda or BioContainers yet: put it on the PATH
    // (e.g. a container built from this repository, see modules/README.md)

    input:
    tuple val(meta), path(bam), path(bai)
    tuple val(meta2), path(fasta), path(fai)

    output:
    tuple val(meta), path("*.pairhmm.txt") , emit: report
    tuple val(meta), path("*.pairhmm.json"), emit: json
    tuple val(meta), path("*_mqc.json")    , emit: mqc
    path "versions.yml"                    , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    tessera pairhmm test \\
        --threads $task.cpus \\
        --bam $bam \\
        --ref $fasta \\
        --sample $prefix \\
        --json ${prefix}.pairhmm.json \\
        --mqc ${prefix}_mqc.json \\
        -o ${prefix}.pairhmm.txt \\
        $args

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        tessera: \$(tessera --version | head -n 1 | sed 's/^tessera //')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.pairhmm.txt ${prefix}.pairhmm.json ${prefix}_mqc.json

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        tessera: \$(tessera --version | head -n 1 | sed 's/^tessera //')
    END_VERSIONS
    """
}
