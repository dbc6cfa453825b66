"""An oEmbed finder for tests: answers from memory, never from the network."""

from wagtail.embeds.finders.base import EmbedFinder


class LocalEmbedFinder(EmbedFinder):
    def accept(self, url):
        return url.startswith("https://video.example/")

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "Test video",
            "author_name": "kmpress",
            "provider_name": "example",
            "type": "video",
            "thumbnail_url": None,
            "width": 640,
            "height": 360,
            "html": f'<iframe title="Test video" src="{url}"></iframe>',
        }
