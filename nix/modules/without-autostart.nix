# SPDX-License-Identifier: MIT
# The tray package minus its XDG autostart entry (etc/xdg/autostart): where the modules start
# nixos-tray as a user service, an installed autostart entry would start a second one.
# Binaries, the menu entry and the icon stay; only symlinks are made, nothing is rebuilt.
pkgs: package:
pkgs.runCommand "${package.name}-without-autostart" { } ''
  mkdir $out
  cp --recursive --symbolic-link --no-preserve=mode ${package}/bin ${package}/share $out/
''
