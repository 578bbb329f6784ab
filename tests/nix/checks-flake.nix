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
in
t.summary [
  (check "nixpkgs input" flake.inputs.nixpkgs.url "github:NixOS/nixpkgs/nixos-unstable")
  (check "systems" (lib.attrNames self.packages) (lib.sort lib.lessThan systems))
  (check "packages" (lib.attrNames packages) [
    "default"
    "nixos-exporter"
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
  (check "version from CMakeLists.txt" packages.default.version cmakeVersion)
  (check "default is the full build" packages.default.name "nixos-status-${cmakeVersion}")
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
  (check "mainProgram" [ packages.nixos-exporter.meta.mainProgram packages.nixos-tray.meta.mainProgram ] [
    "nixos-exporter"
    "nixos-tray"
  ])
  (check "tests run in the build" packages.default.doCheck true)
  (check "openssl, prometheus and promtool for the tests" packages.default.nativeCheckInputs [
    x86.openssl
    x86.prometheus
    x86.prometheus.cli
  ])
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
    "${packages.nixos-exporter}/bin/nixos-exporter --listen=:9971 --collector.flake --flake.lock-path=/run/current-system/flake.lock")
  (checkThat "VM test: switches generations" (lib.hasInfix "switch-to-configuration test" vmTest.testScript))
  (check "VM test: a second system" (lib.attrNames vmNode.specialisation) [ "other" ])
  (checkThat "alert rules check" (lib.hasInfix "promtool test rules nixos.rules.test.yml" self.checks.x86_64-linux.alert-rules.script))
]
