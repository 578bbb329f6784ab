# SPDX-License-Identifier: MIT
# A NixOS-like system for a real Nix store written by tests/nixstore.cpp: nix-build into a
# store below a temporary root, without nixpkgs. The spec (JSON) names the packages; most are
# text files (builtins.toFile, which needs no build and so keeps 2,000 packages fast), those
# with outputs are derivations built by the host's sh with one file per output. Each package
# refers to two earlier ones, so closures are graphs, not lists. The top level is laid out as
# NixOS's: nixos-version, kernel, kernel-modules/lib/modules/<version>, specialisation/.
{ spec, sh, mkdir, ln }:
let
  s = builtins.fromJSON (builtins.readFile spec);
  system = builtins.currentSystem;
  fullName = p: if p.version == "" then p.name else "${p.name}-${p.version}";
  count = builtins.length s.packages;
  # Packages as store paths: a string for a text file, a derivation otherwise.
  built = builtins.genList (i: build i (builtins.elemAt s.packages i)) count;
  pathOf = i: let b = builtins.elemAt built i; in if builtins.isString b then b else "${b}";
  isText = i: (builtins.elemAt s.packages i).outputs == [ ];
  # Packages i / 2 and i / 3; a text file may refer to other text files only (toFile).
  depsOf = i: map pathOf (builtins.filter (j: j < i && (isText j || !isText i)) [ (i / 2) (i / 3) ]);
  build = i: p:
    let deps = builtins.concatStringsSep " " (depsOf i);
    in if p.outputs == [ ] then
      builtins.toFile (fullName p) "${fullName p}\n${deps}\n"
    else
      derivation {
        name = fullName p;
        inherit system deps;
        builder = sh;
        outputs = p.outputs;
        passAsFile = [ "deps" ];
        # Shell builtins only: each output is a file that names the dependencies.
        args = [ "-c" ''read -r d < "$depsPath"; for o in $outputs; do eval "echo \"$o $d\" > \"\''$$o\""; done'' ];
      };
  # Every output of every package, for the top level's reference list.
  outputsOf = i: let b = builtins.elemAt built i;
    in if builtins.isString b then [ b ] else map (o: "${b.${o}}") b.outputs;
  kernel = builtins.toFile "linux-${s.kernel}" "bzImage ${s.kernel}\n";
in
derivation {
  name = "nixos-system-${s.hostName}-${s.label}";
  inherit system mkdir ln kernel;
  builder = sh;
  label = s.label;
  kernelVersion = s.kernel;
  specialisations = builtins.concatStringsSep " " s.specialisations;
  packages = builtins.concatStringsSep " " (builtins.concatLists (builtins.genList outputsOf count));
  passAsFile = [ "packages" ];
  args = [ "-c" ''
    set -e
    "$mkdir" -p "$out/kernel-modules/lib/modules/$kernelVersion" "$out/specialisation"
    echo "$label" > "$out/nixos-version"
    "$ln" -s "$kernel" "$out/kernel"
    read -r p < "$packagesPath" || : # the file ends without a newline
    echo "$p" > "$out/packages"
    for name in $specialisations; do "$ln" -s "$out" "$out/specialisation/$name"; done
  '' ];
}
