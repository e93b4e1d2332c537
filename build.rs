//! Embeds the C-to-WASI toolchain recipe (`toolchains/wasi-c/`) into the binary, so an
//! installed `cleanroom` can set the toolchain up without the repository next to it.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let recipe = root.join("toolchains/wasi-c");
    println!("cargo:rerun-if-changed={}", recipe.display());
    let mut files = Vec::new();
    if recipe.is_dir() {
        collect(&recipe, &recipe, &mut files);
    }
    files.sort();
    let mut code =
        String::from("/// The files of `toolchains/wasi-c/` (relative path, content).\n");
    code.push_str("pub const FILES: &[(&str, &[u8])] = &[\n");
    for (relative, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!(
            "    ({relative:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("wasi_c_files.rs"), code).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries = std::fs::read_dir(dir).expect("the recipe folder is readable");
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if path.is_file() {
            let relative = path
                .strip_prefix(root)
                .expect("below the root")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, path));
        }
    }
}
