process TESSERA_SCAN {
    tag "$meta.id"
    label 'process_medium'

    // tessera is not on Bioconda or BioContainers yet: put it on the PATH
    // (e.g. a container built from this repository, see modules/README.md)

    input:
    tuple val(meta), path(sequences)
    path motifs   // MEME, JASPAR or TRANSFAC; an empty list uses the bundled JASPAR

    output:
    tuple val(meta), path("*.hits.tsv"), emit: hits
    tuple val(meta), path("*_mqc.json"), emit: mqc
    path "versions.yml"                , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def motif_arg = motifs ? "--motifs $motifs" : ''
    """
    tessera scan \\
        --threads $task.cpus \\
        $motif_arg \\
        --sample $prefix \\
        --mqc ${prefix}_mqc.json \\
        -o ${prefix}.hits.tsv \\
        $args \\
        $sequences

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        tessera: \$(tessera --version | head -n 1 | sed 's/^tessera //')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.hits.tsv ${prefix}_mqc.json

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        tessera: \$(tessera --version | head -n 1 | sed 's/^tessera //')
    END_VERSIONS
    """
}
