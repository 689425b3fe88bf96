"""Every sample request of the seed documents (reference/seeds 000 and 001), replayed against
heraldd: the answers must have the documented shapes (ids differ, of course)."""

import json
import unittest

from harness import Server


def without_id(doc, lid):
    """The sample with its id replaced by ours, plus Herald's one added key (enabled)."""
    text = json.dumps(doc).replace("4ff708048a905b7016000008", lid).replace("4ff73d598a905b777d000014", lid)
    return dict(json.loads(text), enabled=True)


class SeedSamplesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(plugins=["rest.so", "http.so"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def replay(self, create_body, create_sample, put_body, put_sample_types):
        r = self.server.post("events/", create_body)
        self.assertEqual(r.status, 201, r.raw)
        lid = r.json["id"]
        self.assertEqual(r.json, without_id(create_sample, lid))
        self.assertEqual(r.headers["Location"], "/pulp/api/v2/events/%s/" % lid)
        self.assertIn(without_id(create_sample, lid), self.server.get("events/").json)
        self.assertEqual(self.server.get("events/%s/" % lid).json, without_id(create_sample, lid))
        r = self.server.put("events/%s/" % lid, put_body)
        self.assertEqual(r.status, 200)
        expected = without_id(create_sample, lid)
        expected["event_types"] = put_sample_types
        self.assertEqual(r.json, expected)
        r = self.server.delete("events/%s/" % lid)
        self.assertEqual((r.status, r.raw), (200, "null"))
        self.assertEqual(self.server.get("events/%s/" % lid).status, 404)

    def test_seed_000_current_names(self):
        self.replay(
            {"notifier_type_id": "http", "notifier_config": {"url": "http://localhost/api"},
             "event_types": ["repo.sync.finish", "repo.publish.finish"]},
            {"_href": "/pulp/api/v2/events/4ff708048a905b7016000008/", "_id": {"$oid": "4ff708048a905b7016000008"},
             "_ns": "event_listeners", "event_types": ["repo.sync.finish", "repo.publish.finish"],
             "id": "4ff708048a905b7016000008", "notifier_config": {"url": "http://localhost/api"},
             "notifier_type_id": "http"},
            {"event_types": ["repo.sync.start"]}, ["repo.sync.start"])

    def test_seed_001_legacy_names(self):
        self.replay(
            {"notifier_type_id": "rest-api", "notifier_config": {"url": "http://localhost/api"},
             "event_types": ["repo-sync-finished", "repo-publish-finished"]},
            {"_href": "/pulp/api/v2/events/4ff708048a905b7016000008/", "_id": {"$oid": "4ff708048a905b7016000008"},
             "_ns": "event_listeners", "event_types": ["repo-sync-finished", "repo-publish-finished"],
             "id": "4ff708048a905b7016000008", "notifier_config": {"url": "http://localhost/api"},
             "notifier_type_id": "rest-api"},
            {"event_types": ["repo-sync-started"]}, ["repo-sync-started"])

    def test_seed_get_of_an_unknown_listener(self):
        r = self.server.get("events/4ff708048a905b7016000008/")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json["error"]["code"], "PLP0009")


if __name__ == "__main__":
    unittest.main()
