{
  "targets": [
    {
      "target_name": "yaml_block",
      "sources": ["src/yaml_block.cc"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions", "-std=c++17", "-O3"]
    }
  ]
}
