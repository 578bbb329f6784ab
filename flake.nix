# SPDX-License-Identifier: MIT
{
  description = "nixos-status: NixOS generations, reboot required and flake input ages for Prometheus and the desktop";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      revision = self.shortRev or self.dirtyShortRev or "unknown";
      # This checkout without build trees, result links and .git: they would change the source
      # hash (and copy gigabytes) without changing the package.
      src = lib.cleanSourceWith {
        name = "nixos-status-source";
        src = ./.;
        filter =
          path: type:
          let
            top = lib.removePrefix (toString ./. + "/") (toString path);
          in
          !(lib.hasPrefix "build" top || lib.hasPrefix "result" top || top == ".git");
      };
      callOurs = callPackage: args: callPackage ./nix/package.nix ({ inherit src revision; } // args);

      # The modules build the package with the configuration's own nixpkgs (its Qt, its
      # glibc), not with this flake's input, unless the user sets `package`.
      withPackage =
        module: optionPath: args:
        { lib, pkgs, ... }:
        {
          imports = [ module ];
          config = lib.setAttrByPath optionPath (
            lib.mkDefault (callOurs pkgs.callPackage args)
          );
        };
    in
    {
      # One full build (CLI, exporter, tray) and one headless build. nixos-tray is the full
      # build with the tray as its main program: the same derivation, only meta differs.
      overlays.default = final: prev: {
        nixos-status = callOurs final.callPackage { };
        # Servers: the exporter and the CLI, without Qt Widgets, Gui or DBus.
        nixos-exporter = callOurs final.callPackage { withTray = false; };
        nixos-tray = lib.addMetaAttrs { mainProgram = "nixos-tray"; } final.nixos-status;
      };

      packages = forAllSystems (
        pkgs:
        let
          ours = self.overlays.default (pkgs // ours) pkgs;
        in
        {
          # `nix run` gives the CLI's report, never a tray on a server.
          default = ours.nixos-status;
          inherit (ours) nixos-status nixos-exporter nixos-tray;
        }
      );

      nixosModules = {
        exporter = withPackage ./nix/modules/exporter.nix [
          "services"
          "prometheus"
          "exporters"
          "nixos"
          "package"
        ] { withTray = false; };
        tray = withPackage ./nix/modules/tray.nix [ "programs" "nixos-tray" "package" ] { };
        default.imports = [
          self.nixosModules.exporter
          self.nixosModules.tray
        ];
      };

      homeManagerModules = {
        tray = withPackage ./nix/modules/home-manager-tray.nix [ "services" "nixos-tray" "package" ] { };
        default = self.homeManagerModules.tray;
      };

      checks = forAllSystems (pkgs: {
        inherit (self.packages.${pkgs.stdenv.hostPlatform.system}) nixos-exporter nixos-tray;
        # Boots a VM with the module, switches generations and reads /metrics (needs KVM).
        vm-test = pkgs.testers.runNixOSTest (import ./nix/tests/vm-test.nix { exporterModule = self.nixosModules.exporter; });
        # The alert rules load and their unit tests pass.
        alert-rules = pkgs.runCommand "nixos-status-alert-rules" { nativeBuildInputs = [ (lib.getOutput "cli" pkgs.prometheus) ]; } ''
          cd ${./nix/alerts}
          promtool check rules nixos.rules.yml
          promtool test rules nixos.rules.test.yml
          touch $out
        '';
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ self.packages.${pkgs.stdenv.hostPlatform.system}.default ];
          packages = [
            pkgs.prometheus
            (lib.getOutput "cli" pkgs.prometheus)
            pkgs.nix
          ];
        };
      });
    };
}
