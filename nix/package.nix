# SPDX-License-Identifier: MIT
# nixos-status: nixos-exporter, and nixos-tray unless withTray = false. callPackage style, so
# the same file works from this flake's overlay and from a nixpkgs checkout (where `src`
# becomes a fetchFromGitHub and `revision` its rev).
{
  lib,
  stdenv,
  cmake,
  ninja,
  pkg-config,
  qt6,
  yaml-cpp,
  zlib,
  libxcrypt,
  openssl,
  prometheus,
  # The tray needs Qt Widgets and DBus; servers want the exporter without them.
  withTray ? true,
  # Shown in nixos_exporter_build_info{revision}; a Nix build has no .git to ask.
  revision ? "unknown",
  src ? lib.cleanSourceWith {
    name = "nixos-status-source";
    src = ../.;
    # Build trees of a developer checkout stay out of the store.
    filter =
      path: type:
      let
        top = lib.removePrefix (toString ../. + "/") (toString path);
      in
      !(lib.hasPrefix "build" top || lib.hasPrefix "result" top || top == ".git");
  },
}:

stdenv.mkDerivation (finalAttrs: {
  pname = if withTray then "nixos-status" else "nixos-exporter";
  # One version for CMake and Nix: the project() line (read from this checkout, not from
  # `src`, so that evaluation never waits for a download).
  version = builtins.head (
    builtins.match ".*project\\(nixos-status VERSION ([0-9.]+).*" (builtins.readFile ../CMakeLists.txt)
  );
  inherit src;

  nativeBuildInputs = [
    cmake
    ninja
    pkg-config # finds libxcrypt
    qt6.wrapQtAppsHook
  ];

  buildInputs = [
    qt6.qtbase
    qt6.qthttpserver
    qt6.qtwebsockets
    yaml-cpp
    zlib
    libxcrypt # crypt_r() for basic auth's bcrypt hashes
  ];

  cmakeFlags = [
    (lib.cmakeBool "NIXOS_STATUS_BUILD_TRAY" withTray)
    (lib.cmakeBool "NIXOS_STATUS_BUILD_TESTS" finalAttrs.doCheck)
    (lib.cmakeFeature "NIXOS_STATUS_REVISION" revision)
  ];

  # The whole ctest suite, including a real Prometheus scraping the exporter; the tests that
  # need nix-instantiate skip here (they run in the project's CI and `nix flake check` covers
  # the same ground for real).
  doCheck = true;
  # nixpkgs moves promtool into prometheus' "cli" output.
  nativeCheckInputs = [
    openssl # tst_exportertls makes its certificates
    prometheus
    (lib.getOutput "cli" prometheus)
  ];
  preCheck = ''
    export HOME=$(mktemp -d)
    export QT_QPA_PLATFORM=offscreen
    export QT_PLUGIN_PATH=${qt6.qtbase}/${qt6.qtbase.qtPluginPrefix}
  '';

  meta = {
    description = "NixOS generations, reboot required and flake input ages for Prometheus and the desktop";
    longDescription = ''
      nixos-exporter serves Prometheus metrics about the running NixOS system: generations,
      current versus booted system, why a reboot is needed, nixpkgs and flake input ages.
      nixos-tray shows the same in the system tray.
    '';
    license = lib.licenses.mit;
    platforms = lib.platforms.linux;
    mainProgram = if withTray then "nixos-tray" else "nixos-exporter";
  };
})
