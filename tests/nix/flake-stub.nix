# SPDX-License-Identifier: MIT
# flake.nix's outputs evaluated against a stub nixpkgs: the real lib, fake packages and
# builders that keep their arguments for the checks to look at.
{ lib }:
let
  stubs = import ./stubs.nix { inherit lib; };
  fake = stubs.fakePackage;

  pkgsFor =
    system:
    let
      pkgs = {
        inherit lib;
        stdenv = {
          hostPlatform = { inherit system; };
          mkDerivation =
            fn:
            let
              attrs = fn attrs;
            in
            attrs // fake "${attrs.pname}-${attrs.version}";
        };
        callPackage =
          fn: args:
          let
            f = import fn;
          in
          f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
        cmake = fake "cmake";
        ninja = fake "ninja";
        yaml-cpp = fake "yaml-cpp";
        zlib = fake "zlib";
        libxcrypt = fake "libxcrypt";
        openssl = fake "openssl";
        pkg-config = fake "pkg-config";
        prometheus = fake "prometheus" // {
          cli = fake "prometheus-cli";
        };
        systemd = fake "systemd";
        dbus = fake "dbus";
        xvfb-run = fake "xvfb-run";
        imagemagick = fake "imagemagick";
        xorg = {
          xwininfo = fake "xwininfo";
        };
        # withPackages keeps the packages it was given, for the checks to look at.
        python3 = fake "python3" // {
          withPackages =
            select:
            fake "python3-env"
            // {
              packages = select {
                python-dbusmock = fake "python3-dbusmock";
              };
            };
        };
        nix = fake "nix";
        curl = fake "curl";
        qt6 = {
          wrapQtAppsHook = fake "wrap-qt6-apps-hook";
          qtbase = fake "qtbase" // {
            qtPluginPrefix = "lib/qt-6/plugins";
          };
          qthttpserver = fake "qthttpserver";
          qtwebsockets = fake "qtwebsockets";
          qtsvg = fake "qtsvg";
          qtwayland = fake "qtwayland";
        };
        testers.runNixOSTest = test: fake "vm-test" // { inherit test; };
        runCommand = name: env: script: fake name // { inherit env script; };
        mkShell = args: fake "shell" // args;
      };
    in
    pkgs;

  flake = import ../../flake.nix;
  systems = [
    "x86_64-linux"
    "aarch64-linux"
  ];
  nixpkgs = {
    inherit lib;
    legacyPackages = lib.genAttrs systems pkgsFor;
  };
  # As a flake input: the outputs, the revision and the source tree (this checkout).
  self = flake.outputs { inherit self nixpkgs; } // {
    shortRev = "0123abc";
    outPath = toString ../..;
  };
in
{
  inherit
    flake
    systems
    self
    pkgsFor
    ;
}
