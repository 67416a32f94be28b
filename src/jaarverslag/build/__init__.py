"""Running the stages: for one document and for many, in this process or a pool.

The one orchestrator (:mod:`.stages`) runs inputs → analysis → document → render for every
front door. Around it: the build of rapport folders into an output folder (:mod:`.pipeline`),
reusing unchanged output (:mod:`.cache`), over a scheduler that only decides where and when
(:mod:`.scheduler`), with a helper process for PDFs (:mod:`.pdfworker`), one document per
gemeente for a reeks (:mod:`.reeks`), and the atomic swap of the finished folder
(:mod:`.outfolder`). In: folders and :class:`.options.BuildOptions`. Out: files on disk and an
:class:`.outcome.Outcome` per rapport.
"""
