# SPDX-License-Identifier: MIT
# The tray modules: NixOS programs.nixos-tray and home-manager services.nixos-tray give a
# user service bound to the graphical session and the tray target.
{
  lib ? import ./nixpkgs-lib/lib,
}:
let
  t = import ./testlib.nix { inherit lib; };
  inherit (t) check checkThat;
  stubs = import ./stubs.nix { inherit lib; };
  evalWith =
    stub: module: settings:
    (lib.evalModules {
      modules = [
        stub
        module
        { _module.args.pkgs = stubs.pkgs; }
        settings
      ];
    }).config;
  bin = "/nix/store/00000000000000000000000000000000-nixos-status-0.1.0/bin/nixos-tray";

  nixos = evalWith stubs.nixos ../../nix/modules/tray.nix { programs.nixos-tray.enable = true; };
  nixosOff = evalWith stubs.nixos ../../nix/modules/tray.nix { };
  service = nixos.systemd.user.services.nixos-tray;

  hm = evalWith stubs.homeManager ../../nix/modules/home-manager-tray.nix {
    services.nixos-tray.enable = true;
    services.nixos-tray.extraFlags = [ "--verbose" ];
  };
  hmService = hm.systemd.user.services.nixos-tray;
  # Where home-manager's xsession defines tray.target itself, that definition wins.
  hmWithXsession = evalWith stubs.homeManager ../../nix/modules/home-manager-tray.nix {
    services.nixos-tray.enable = true;
    systemd.user.targets.tray.Unit.Description = "from xsession";
  };
in
t.summary [
  (check "NixOS: ExecStart" service.serviceConfig.ExecStart bin)
  (check "NixOS: wantedBy" service.wantedBy [ "graphical-session.target" ])
  (check "NixOS: partOf" service.partOf [ "graphical-session.target" ])
  (check "NixOS: requires" service.requires [ "tray.target" ])
  (check "NixOS: after" service.after [
    "graphical-session.target"
    "tray.target"
  ])
  (check "NixOS: tray.target" nixos.systemd.user.targets.tray.requires [ "graphical-session-pre.target" ])
  (check "NixOS: installed without its autostart entry" (map (p: p.name) nixos.environment.systemPackages) [
    "nixos-status-0.1.0-without-autostart"
  ])
  (checkThat "NixOS: links bin and share, not etc/xdg/autostart"
    (lib.hasInfix "${stubs.pkgs.nixos-tray}/bin ${stubs.pkgs.nixos-tray}/share $out/"
      (lib.head nixos.environment.systemPackages).script))
  (check "NixOS: nothing when disabled" nixosOff.systemd.user.services { })
  (check "home-manager: ExecStart" hmService.Service.ExecStart "${bin} --verbose")
  (check "home-manager: Install" hmService.Install.WantedBy [ "graphical-session.target" ])
  (check "home-manager: Unit" hmService.Unit {
    Description = "NixOS status in the system tray";
    Requires = [ "tray.target" ];
    After = [
      "graphical-session.target"
      "tray.target"
    ];
    PartOf = [ "graphical-session.target" ];
  })
  (check "home-manager: fallback tray.target" hm.systemd.user.targets.tray.Unit.Requires [
    "graphical-session-pre.target"
  ])
  (check "home-manager: xsession's tray.target wins" hmWithXsession.systemd.user.targets.tray {
    Unit.Description = "from xsession";
  })
  (check "home-manager: installed without its autostart entry" (map (p: p.name) hm.home.packages) [
    "nixos-status-0.1.0-without-autostart"
  ])
]
