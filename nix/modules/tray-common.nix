# SPDX-License-Identifier: MIT
# What the NixOS module (programs.nixos-tray) and the home-manager module (services.nixos-tray)
# share: the same options and the same command; only where the service is declared differs.
{ lib, pkgs }:
{
  options = {
    enable = lib.mkEnableOption "nixos-tray, the NixOS status icon in the system tray";
    package = lib.mkPackageOption pkgs "nixos-tray" { };
    extraFlags = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "More command-line arguments for nixos-tray.";
    };
  };

  # The package to install: the user service starts the tray, so its autostart entry goes.
  package = cfg: import ./without-autostart.nix pkgs cfg.package;

  serviceConfig = cfg: {
    ExecStart = lib.escapeShellArgs ([ "${cfg.package}/bin/nixos-tray" ] ++ cfg.extraFlags);
    Restart = "on-failure";
    RestartSec = "3s";
  };
}
