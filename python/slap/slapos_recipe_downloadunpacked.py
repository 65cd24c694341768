"""slapos.recipe.downloadunpacked.unpack_archive, extracting with slap's own extractor
(libarchive: tar.*, zip), keeping the archive's layout."""
import os


def unpack_archive(recipe, path, location):
    from slap import bridge
    os.makedirs(location, exist_ok=True)
    bridge.channel.call("extract", archive=os.path.abspath(path), dest=os.path.abspath(location))
