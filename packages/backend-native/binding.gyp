{
  "targets": [
    {
      "target_name": "trainkit_native",
      "sources": [
        "src/native/addon.cc",
        "src/native/engine.cc",
        "src/native/conv.cc",
        "src/native/pool.cc",
        "src/native/matmul.cc",
        "src/native/layout.cc",
        "src/native/eltwise.cc",
        "src/native/optim.cc",
        "src/native/softmax.cc",
        "src/native/batch-norm.cc"
      ],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fopenmp", "-ffp-contract=off", "-fno-math-errno"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl"]
    }
  ]
}
