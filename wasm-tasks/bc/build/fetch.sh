# Fetches a Debian source file into $CLEANROOM_DOWNLOADS (once) and checks its SHA-256.
# Usage (sourced): fetch POOL_PATH FILE SHA256; prints the local path.
fetch() {
    path="$CLEANROOM_DOWNLOADS/$2"
    if [ ! -f "$path" ] || ! echo "$3  $path" | sha256sum -c --status; then
        echo "fetching $2 from Debian" >&2
        curl -sSfL --retry 3 -o "$path.part" "https://deb.debian.org/debian/pool/main/$1/$2" ||
            wget -q -O "$path.part" "https://deb.debian.org/debian/pool/main/$1/$2"
        if ! echo "$3  $path.part" | sha256sum -c --status; then
            echo "$2: SHA-256 mismatch (want $3)" >&2
            rm -f "$path.part"
            exit 1
        fi
        mv "$path.part" "$path"
    fi
    echo "$path"
}
