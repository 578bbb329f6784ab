# SPDX-License-Identifier: MIT
# flake.nix wired up: its outputs (evaluated against a stub nixpkgs, flake-stub.nix), the
# package's build flags, and the modules as the flake exports them.
{
  lib ? import ./nixpkgs-lib/lib,
}:
let
  t = import ./testlib.nix { inherit lib; };
  inherit (t) check checkThat;
  stubs = import ./stubs.nix { inherit lib; };
  inherit (import ./flake-stub.nix { inherit lib; })
    flake
    systems
    self
    pkgsFor
    ;

  x86 = pkgsFor "x86_64-linux";
  packages = self.packages.x86_64-linux;
  cmakeVersion = builtins.head (
    builtins.match ".*project\\(nixos-status VERSION ([0-9.]+).*" (builtins.readFile ../../CMakeLists.txt)
  );

  evalNixos =
    modules:
    (lib.evalModules {
      modules = [
        stubs.nixos
        {
          options.specialisation = lib.mkOption {
            type = lib.types.anything;
            default = { };
          };
          config._module.args.pkgs = x86;
        }
      ] ++ modules;
    }).config;
  exporter = evalNixos [
    self.nixosModules.exporter
    { services.prometheus.exporters.nixos.enable = true; }
  ];
  both = evalNixos [
    self.nixosModules.default
    { programs.nixos-tray.enable = true; }
  ];
  vmTest = self.checks.x86_64-linux.vm-test.test;
  vmNode = evalNixos [ vmTest.nodes.machine ];
  hm =
    (lib.evalModules {
      modules = [
        stubs.homeManager
        self.homeManagerModules.tray
        {
          _module.args.pkgs = x86;
          services.nixos-tray.enable = true;
        }
      ];
    }).config;
  src = packages.default.src;
  tray = packages.nixos-tray;
  headless = packages.nixos-exporter;
  packageFile = builtins.readFile ../../nix/package.nix;
  dbusmockPython = x86.python3.withPackages (p: [ p.python-dbusmock ]);
  # What the tests run (tests/requiredtool.h, tests/withsession.sh), as nixpkgs names them.
  serverCheckTools = [
    x86.openssl
    x86.prometheus
    x86.prometheus.cli
    x86.systemd
    x86.dbus # tst_maintenance: a private bus with a systemd mock
    dbusmockPython
  ];
  trayCheckTools = [
    x86.xvfb-run
    x86.imagemagick
    x86.xorg.xwininfo
  ];
  serverInputs = [
    x86.qt6.qtbase
    x86.qt6.qthttpserver
    x86.qt6.qtwebsockets
    x86.yaml-cpp
    x86.zlib
    x86.libxcrypt
  ];
in
t.summary [
  (check "nixpkgs input" flake.inputs.nixpkgs.url "github:NixOS/nixpkgs/nixos-unstable")
  (check "systems" (lib.attrNames self.packages) (lib.sort lib.lessThan systems))
  (check "packages" (lib.attrNames packages) [
    "default"
    "nixos-exporter"
    "nixos-status"
    "nixos-tray"
  ])
  (check "outputs" (lib.attrNames self) [
    "checks"
    "devShells"
    "homeManagerModules"
    "nixosModules"
    "outPath"
    "overlays"
    "packages"
    "shortRev"
  ])
  (check "nixosModules" (lib.attrNames self.nixosModules) [
    "default"
    "exporter"
    "tray"
  ])
  (check "checks" (lib.attrNames self.checks.x86_64-linux) [
    "alert-rules"
    "nixos-exporter"
    "nixos-tray"
    "vm-test"
  ])
  (check "version equals CMakeLists.txt's project() version" [ headless.version tray.version ] [
    cmakeVersion
    cmakeVersion
  ])
  (checkThat "package.nix reads nothing from this checkout (literal version, src from the caller)" (
    !(lib.hasInfix "readFile" packageFile) && !(lib.hasInfix "../." packageFile)
  ))
  (check "package.nix: src has no default" (builtins.functionArgs (import ../../nix/package.nix)).src false)
  (checkThat "the flake passes its filtered source" (headless.src == src && src.name == "nixos-status-source"))
  (check "default is the full build" packages.default.name "nixos-status-${cmakeVersion}")
  (check "headless build's name" headless.name "nixos-exporter-${cmakeVersion}")
  (check "nixos-status is the default package" packages.nixos-status.outPath packages.default.outPath)
  (check "nixos-tray is the same derivation" tray.outPath packages.nixos-status.outPath)
  (check "mainProgram per package" (lib.mapAttrs (_: p: p.meta.mainProgram) packages) {
    default = "nixos-status";
    nixos-status = "nixos-status";
    nixos-exporter = "nixos-exporter";
    nixos-tray = "nixos-tray";
  })
  (check "meta is complete" (lib.attrNames tray.meta) [
    "description"
    "license"
    "longDescription"
    "mainProgram"
    "maintainers"
    "platforms"
  ])
  (check "meta: license and platforms" [ tray.meta.license.spdxId tray.meta.platforms ] [
    "MIT"
    lib.platforms.linux
  ])
  (check "tray build inputs: SVG and Wayland plugins" tray.buildInputs (
    serverInputs
    ++ [
      x86.qt6.qtsvg
      x86.qt6.qtwayland
    ]
  ))
  (check "headless build inputs: no qtsvg, qtwayland" headless.buildInputs serverInputs)
  (check "Qt wrappers only on the programs that load plugins" [ tray.dontWrapQtApps tray.postFixup headless.postFixup ]
    [
      true
      "wrapQtApp $out/bin/nixos-exporter\nwrapQtApp $out/bin/nixos-status\nwrapQtApp $out/bin/nixos-tray\n"
      "wrapQtApp $out/bin/nixos-exporter\nwrapQtApp $out/bin/nixos-status\n"
    ]
  )
  (check "tray build flags" packages.nixos-tray.cmakeFlags [
    "-DNIXOS_STATUS_BUILD_TRAY:BOOL=TRUE"
    "-DNIXOS_STATUS_BUILD_TESTS:BOOL=TRUE"
    "-DNIXOS_STATUS_REVISION:STRING=0123abc"
  ])
  (check "headless exporter build flags" packages.nixos-exporter.cmakeFlags [
    "-DNIXOS_STATUS_BUILD_TRAY:BOOL=FALSE"
    "-DNIXOS_STATUS_BUILD_TESTS:BOOL=TRUE"
    "-DNIXOS_STATUS_REVISION:STRING=0123abc"
  ])
  (check "tests run in the build" [ tray.doCheck headless.doCheck ] [ true true ])
  (check "check tools of the full build" tray.nativeCheckInputs (serverCheckTools ++ trayCheckTools))
  (check "check tools of the headless build: no display" headless.nativeCheckInputs serverCheckTools)
  (check "the python for the D-Bus mocks has dbusmock" dbusmockPython.packages [ (stubs.fakePackage "python3-dbusmock") ])
  (checkThat "checkPhase runs ctest, as scripts/sandbox-check.sh does" (
    lib.hasInfix "\nctest --output-on-failure\n" tray.checkPhase
    && lib.hasInfix "ctest --output-on-failure" (builtins.readFile ../../scripts/sandbox-check.sh)
  ))
  (checkThat "checkPhase environment: HOME, offscreen, qtbase and qtsvg plugins" (
    lib.hasInfix "export HOME=$(mktemp -d)" tray.preCheck
    && lib.hasInfix "export QT_QPA_PLATFORM=offscreen" tray.preCheck
    && lib.hasInfix "QT_PLUGIN_PATH=${x86.qt6.qtbase}/lib/qt-6/plugins:${x86.qt6.qtsvg}/lib/qt-6/plugins\n" tray.preCheck
    && lib.hasInfix "QT_PLUGIN_PATH=${x86.qt6.qtbase}/lib/qt-6/plugins\n" headless.preCheck
  ))
  (check "promtool for the rules" self.checks.x86_64-linux.alert-rules.env.nativeBuildInputs [ x86.prometheus.cli ])
  (checkThat "source without build trees" (!(src.filter (toString ../../build) "directory")))
  (checkThat "source without result links" (!(src.filter (toString ../../result) "symlink")))
  (checkThat "source with the code" (src.filter (toString ../../core) "directory"))
  (check "overlay" (lib.attrNames (self.overlays.default x86 x86)) [
    "nixos-exporter"
    "nixos-status"
    "nixos-tray"
  ])
  (check "nixosModules.exporter uses the headless build" exporter.systemd.services.prometheus-nixos-exporter.serviceConfig.ExecStart
    "${packages.nixos-exporter}/bin/nixos-exporter --listen=:9971")
  (check "nixosModules.default: exporter off, tray on" [
    (both.systemd.services ? prometheus-nixos-exporter)
    both.systemd.user.services.nixos-tray.serviceConfig.ExecStart
  ] [ false "${packages.nixos-tray}/bin/nixos-tray" ])
  (check "homeManagerModules.tray" hm.systemd.user.services.nixos-tray.Service.ExecStart "${packages.nixos-tray}/bin/nixos-tray")
  (check "VM test: lock linked into the system" vmNode.system.extraSystemBuilderCmds
    "ln -s ${../../nix/tests/vm-test.lock} $out/flake.lock\n")
  (check "VM test: ExecStart" vmNode.systemd.services.prometheus-nixos-exporter.serviceConfig.ExecStart
    "${packages.nixos-exporter}/bin/nixos-exporter --listen=:9971 --no-collector.boot --collector.flake --flake.lock-path=/run/current-system/flake.lock")
  (checkThat "VM test: switches generations" (lib.hasInfix "switch-to-configuration test" vmTest.testScript))
  (check "VM test: a second system" (lib.attrNames vmNode.specialisation) [ "other" ])
  (checkThat "alert rules check" (lib.hasInfix "promtool test rules nixos.rules.test.yml" self.checks.x86_64-linux.alert-rules.script))
]
