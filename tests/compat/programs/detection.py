"""A program in the old SDK's style that calls the four detection methods of the prediction client.

It finds a published object detection model (trained once for all runs: training a detector is the slow part)
and is run like training_and_classification.py, on the old SDK and on the compat layer.
"""

import base64
import os

from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from msrest.authentication import ApiKeyCredentials


def run(endpoint, prediction_key, project_id, published_name, folder, record):
    """Detect objects in files and data: URLs, stored and not; ``record(label, value)`` notes what code sees."""
    predictor = CustomVisionPredictionClient(endpoint, ApiKeyCredentials(in_headers={"prediction-key": prediction_key}))

    def data_url(name):
        with open(os.path.join(folder, name), "rb") as image:
            return "data:image/jpeg;base64," + base64.b64encode(image.read()).decode()

    with open(os.path.join(folder, "apple20.jpg"), "rb") as image:
        found = predictor.detect_image(project_id, published_name, image)
    best = max(found.predictions, key=lambda p: p.probability)
    box = best.bounding_box
    record("detect_image", (best.tag_name, box.left, box.top, box.width, box.height, best.probability))
    with open(os.path.join(folder, "apple21.jpg"), "rb") as image:
        found = predictor.detect_image_with_no_store(project_id, published_name, image.read(), "tests")
    record("detect_image_with_no_store", [(p.tag_name, p.probability) for p in found.predictions[:3]])
    found = predictor.detect_image_url(project_id, published_name, data_url("apple22.jpg"))
    record("detect_image_url", [p.bounding_box.left for p in found.predictions[:3]])
    found = predictor.detect_image_url_with_no_store(project_id, published_name, url=data_url("apple23.jpg"))
    record("detect_image_url_with_no_store", [p.tag_name for p in found.predictions[:3]])
    predictor.close()
