# SPDX-License-Identifier: MIT
# home-manager: services.nixos-tray runs the NixOS status icon in this user's graphical
# session, as a systemd user service bound to graphical-session.target and tray.target.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.services.nixos-tray;
in
{
  options.services.nixos-tray = {
    enable = lib.mkEnableOption "nixos-tray, the NixOS status icon in the system tray";
    package = lib.mkPackageOption pkgs "nixos-tray" { };
    extraFlags = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "More command-line arguments for nixos-tray.";
    };
  };

  config = lib.mkIf cfg.enable {
    home.packages = [ (import ./without-autostart.nix pkgs cfg.package) ];

    # home-manager defines tray.target only with xsession or some window managers; where it
    # does, its definition wins over this fallback (same content).
    systemd.user.targets.tray = lib.mkDefault {
      Unit = {
        Description = "Home Manager System Tray";
        Requires = [ "graphical-session-pre.target" ];
      };
    };

    systemd.user.services.nixos-tray = {
      Unit = {
        Description = "NixOS status in the system tray";
        Requires = [ "tray.target" ];
        After = [
          "graphical-session.target"
          "tray.target"
        ];
        PartOf = [ "graphical-session.target" ];
      };
      Service = {
        ExecStart = lib.escapeShellArgs ([ "${cfg.package}/bin/nixos-tray" ] ++ cfg.extraFlags);
        Restart = "on-failure";
        RestartSec = "3s";
      };
      Install.WantedBy = [ "graphical-session.target" ];
    };
  };
}
