#!/usr/bin/env bash
# Cuts the API baseline: every bundle of this tree that exports packages is copied, as built now, into
# baseline/repository as version VERSION (default: caracal.baseline.version in pom.xml).
# Usage: baseline/update.sh [--version VERSION] [artifactId ...]   (no artifactId: every exporting bundle)
# Read baseline/README.md first: cutting a baseline is a decision (a release, or a breaking change made on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's|.*<caracal.baseline.version>\(.*\)</caracal.baseline.version>.*|\1|p' pom.xml | head -1)
if [ "${1:-}" = "--version" ]; then version=$2; shift 2; fi
only=("$@")
echo "building the bundles (tests skipped) ..."
mvn -q -B -ntp package -DskipTests -Dbnd.baseline.skip=true -Dspotless.check.skip=true -f bundles/pom.xml
repo=baseline/repository/dev/caracal
cut=0
for jar in $(find bundles -path '*/target/caracal-*.jar' -not -name '*-sources.jar' -not -name '*-tests.jar' | sort); do
  artifact=$(sed -n 's|^  <artifactId>\(caracal-[^<]*\)</artifactId>|\1|p' "$(dirname "$(dirname "$jar")")/pom.xml" | head -1)
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " =~ " $artifact " ]]; then continue; fi
  if ! unzip -p "$jar" META-INF/MANIFEST.MF | grep -q '^Export-Package:'; then continue; fi
  rm -rf "${repo:?}/$artifact"
  mkdir -p "$repo/$artifact/$version"
  cp "$jar" "$repo/$artifact/$version/$artifact-$version.jar"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>dev.caracal</groupId>\n  <artifactId>%s</artifactId>\n  <version>%s</version>\n  <description>API baseline cut by baseline/update.sh; see baseline/README.md</description>\n</project>\n' \
    "$artifact" "$version" > "$repo/$artifact/$version/$artifact-$version.pom"
  for f in "$repo/$artifact/$version"/*; do sha1sum "$f" | cut -d' ' -f1 > "$f.sha1"; done
  echo "baseline $artifact $version <- $jar"
  cut=$((cut + 1))
done
echo "$cut bundle(s) cut at $version"
echo "Maven caches a baseline in ~/.m2 like any release: a new cut takes a new version (raise caracal.baseline.version)."
