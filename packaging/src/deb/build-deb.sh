#!/bin/sh
# Builds OUTDIR/lwt_VERSION_ARCH.deb from the runtime image: the image under /usr/lib/lwt, its share/ tree (man
# pages, completion) under /usr/share, /usr/bin/lwt, the systemd unit and /etc/lwt. Maven runs it (packaging/pom.xml)
# with the image, the Maven version and target/.
# Usage: build-deb.sh IMAGE MAVEN_VERSION OUTDIR
set -eu
image=$1 maven_version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
# Debian sorts ~ before anything, so 0.1.0~SNAPSHOT comes before the release 0.1.0
version=$(printf '%s' "$maven_version" | tr '-' '~')
arch=$(dpkg --print-architecture)
root=$out/deb-root
rm -rf "$root"
umask 022
mkdir -p "$root/DEBIAN" "$root/usr/lib/lwt" "$root/usr/bin" "$root/usr/lib/systemd/system" "$root/etc/lwt"

# share/ goes to /usr/share, whatever it holds; the unit has its own place; plugins/ and the class-data archive are
# the machine's own (the archive is made by postinst, for the JVM installed)
for entry in "$image"/*; do
  case ${entry##*/} in
    share | systemd | plugins) ;;
    *) cp -a "$entry" "$root/usr/lib/lwt/" ;;
  esac
done
rm -f "$root/usr/lib/lwt/lib/server/classes.jsa"
if [ -d "$image/share" ]; then
  mkdir -p "$root/usr/share"
  cp -a "$image/share/." "$root/usr/share/"
  # Debian's policy: man pages compressed, without a name or time stamp (-n), so builds are reproducible
  find "$root/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +
fi
ln -s ../lib/lwt/bin/lwt "$root/usr/bin/lwt"
sed 's,/opt/lwt,/usr/lib/lwt,g' "$image/systemd/lwt@.service" > "$root/usr/lib/systemd/system/lwt@.service"
chmod -R u+rwX,go+rX,go-w "$root"

# the highest glibc symbol version any binary of the image asks for; the image needs nothing else (X11, ALSA and
# freetype are linked only by java.desktop's AWT and sound libraries, which a headless node never loads)
glibc=$(find "$root/usr/lib/lwt" -type f \( -name '*.so' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
installed_size=$(du -sk --apparent-size "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@GLIBC@/$glibc/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  "$here/control" > "$root/DEBIAN/control"
for script in postinst prerm postrm; do
  install -m 0755 "$here/$script" "$root/DEBIAN/$script"
done
# every file the package puts under /etc is a conffile: dpkg keeps an administrator's changes on upgrade
(cd "$root" && find etc -type f | sed 's,^,/,') > "$root/DEBIAN/conffiles"
[ -s "$root/DEBIAN/conffiles" ] || rm "$root/DEBIAN/conffiles"

rm -f "$out"/lwt_*.deb # one package in target/, the one its test installs
dpkg-deb --build --root-owner-group "$root" "$out/lwt_${version}_${arch}.deb"
rm -rf "$root"
