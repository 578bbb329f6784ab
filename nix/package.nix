# SPDX-License-Identifier: MIT
# nixos-status: the nixos-status CLI and nixos-exporter, and nixos-tray unless withTray = false.
# callPackage style with nothing read from this checkout: the caller gives `src` (this flake
# passes its own tree; a nixpkgs expression passes a fetchFromGitHub and its rev as `revision`).
{
  lib,
  stdenv,
  src,
  cmake,
  ninja,
  pkg-config,
  qt6,
  yaml-cpp,
  zlib,
  libxcrypt,
  # Check tools: every program a test runs (tests/requiredtool.h, tests/withsession.sh).
  openssl,
  prometheus,
  python3,
  systemd,
  dbus,
  xvfb-run,
  imagemagick,
  xorg,
  # The tray needs Qt Widgets, DBus and the SVG and Wayland plugins; servers want the
  # exporter without them.
  withTray ? true,
  # Shown in nixos_exporter_build_info{revision}; a Nix build has no .git to ask.
  revision ? "unknown",
}:

stdenv.mkDerivation (finalAttrs: {
  pname = if withTray then "nixos-status" else "nixos-exporter";
  # Equal to project() in CMakeLists.txt; tests/nix (nix_flake_outputs) keeps them so.
  version = "0.1.0";
  inherit src;

  nativeBuildInputs = [
    cmake
    ninja
    pkg-config # finds libxcrypt
    qt6.wrapQtAppsHook
  ];

  buildInputs =
    [
      qt6.qtbase
      qt6.qthttpserver
      qt6.qtwebsockets
      yaml-cpp
      zlib
      libxcrypt # crypt_r() for basic auth's bcrypt hashes
    ]
    ++ lib.optionals withTray [
      qt6.qtsvg # the tray's icons are SVG (imageformats and iconengines plugins)
      qt6.qtwayland # the wayland platform plugin, for a Wayland session
    ];

  cmakeFlags = [
    (lib.cmakeBool "NIXOS_STATUS_BUILD_TRAY" withTray)
    (lib.cmakeBool "NIXOS_STATUS_BUILD_TESTS" finalAttrs.doCheck)
    (lib.cmakeFeature "NIXOS_STATUS_REVISION" revision)
  ];

  # Every binary loads Qt plugins at run time, so each gets the wrapper's QT_PLUGIN_PATH;
  # wrapped by name so that nothing else in bin/ is touched:
  #   nixos-exporter: tls/ (the OpenSSL backend, for --web.config.file) and sqldrivers/
  #     (QSQLITE, the store collector's read of the Nix database);
  #   nixos-status: sqldrivers/ for --store, tls/ for an https:// --remote;
  #   nixos-tray: the same, platforms/ (xcb, wayland), imageformats/ and iconengines/ (SVG).
  dontWrapQtApps = true;
  postFixup =
    ''
      wrapQtApp $out/bin/nixos-exporter
      wrapQtApp $out/bin/nixos-status
    ''
    + lib.optionalString withTray ''
      wrapQtApp $out/bin/nixos-tray
    '';

  # The whole ctest suite: a real Prometheus scraping the exporter, TLS with certificates
  # made by openssl, socket activation and, with the tray, D-Bus mocks on a private bus and
  # windows on Xvfb. Tests that need nix-instantiate, or nix-build (tst_closurediff's and
  # tst_rebootchanges' real stores), skip here (the project's CI runs them; scripts/sandbox-check.sh runs this check
  # the way the sandbox does).
  doCheck = true;
  nativeCheckInputs =
    [
      openssl # tst_exportertls makes its certificates
      prometheus # tst_prometheus, tst_fleet
      (lib.getOutput "cli" prometheus) # promtool: exposition, golden file, alert rules
      systemd # systemd-socket-activate, tst_exportersocket
      dbus # dbus-run-session for tst_maintenance (and the tray's tst_notificationsender, tst_trayui)
      (python3.withPackages (p: [ p.python-dbusmock ])) # the systemd mock (and the tray's notification, watcher and logind mocks)
    ]
    ++ lib.optionals withTray [
      xvfb-run # tst_trayui's display
      imagemagick # `import`, tst_trayui's screenshot of the details window
      xorg.xwininfo # tst_trayprocess: the first tray shows its window on a second start
    ];
  # Offscreen windows, except tst_trayui's on Xvfb (its ctest environment says xcb); the
  # platform, TLS and SQLite plugins from qtbase, the tray's SVG icons from qtsvg.
  preCheck = ''
    export HOME=$(mktemp -d)
    export QT_QPA_PLATFORM=offscreen
    export QT_PLUGIN_PATH=${
      lib.makeSearchPath qt6.qtbase.qtPluginPrefix ([ qt6.qtbase ] ++ lib.optionals withTray [ qt6.qtsvg ])
    }
  '';
  # What scripts/sandbox-check.sh runs: serial, because several tests time real servers.
  checkPhase = ''
    runHook preCheck
    ctest --output-on-failure
    runHook postCheck
  '';

  meta = {
    description = "NixOS generations, reboot required and flake input ages for Prometheus, the terminal and the desktop";
    longDescription = ''
      Reads the state of a NixOS machine: its generations, the current versus the booted
      system and why a reboot is needed, the nixpkgs revision and flake input ages, store
      size and whether an upgrade is pending.
      nixos-exporter serves it as Prometheus metrics and JSON, nixos-status prints it in a
      terminal (or fetches another machine's), and nixos-tray shows it in the system tray
      with notifications. The nixos-exporter package is the headless build, without the tray.
    '';
    license = lib.licenses.mit;
    platforms = lib.platforms.linux;
    maintainers = [ ];
    # The CLI: `nix run` on a server must not start a tray.
    mainProgram = if withTray then "nixos-status" else "nixos-exporter";
  };
})
