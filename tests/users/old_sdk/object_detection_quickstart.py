"""An object detection program written the way the old SDK's quickstart teaches (azure-cognitiveservices-vision-
customvision 3.1.1): module-level code, keys from the quickstart's environment variables, hand-made batches with
regions, a training loop that sleeps, publishing, and detect_image on an open file.

tests/users/test_old_programs.py runs it as written, on the old SDK, and with its two import prefixes switched
to customvision_rest.compat, and compares what it prints. Its pictures (Images/<tag>/<name>.jpg, and
Images/test/test_image.jpg) are drawn by the test from the regions below.
"""

import os
import sys
import time
import uuid

from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
from azure.cognitiveservices.vision.customvision.training.models import (
    ImageFileCreateBatch,
    ImageFileCreateEntry,
    Region,
)
from msrest.authentication import ApiKeyCredentials

training_endpoint = os.environ["VISION_TRAINING_ENDPOINT"]
training_key = os.environ["VISION_TRAINING_KEY"]
prediction_endpoint = os.environ["VISION_PREDICTION_ENDPOINT"]
prediction_key = os.environ["VISION_PREDICTION_KEY"]
prediction_resource_id = os.environ["VISION_PREDICTION_RESOURCE_ID"]

images_folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Images")
published_name = "detectModel"

# Where the apple is in each picture: left, top, width and height, as fractions of the picture's size. The
# service wants at least 15 pictures per tag for object detection.
regions_by_tag = {
    "apple": {f"apple_{n}": [0.1 * (n % 7), 0.1 * (n * 3 % 7), 0.4, 0.4] for n in range(1, 16)},
}

training_credentials = ApiKeyCredentials(in_headers={"Training-key": training_key})
trainer = CustomVisionTrainingClient(training_endpoint, training_credentials)
prediction_credentials = ApiKeyCredentials(in_headers={"Prediction-key": prediction_key})
predictor = CustomVisionPredictionClient(prediction_endpoint, prediction_credentials)

domain = next(d for d in trainer.get_domains() if d.type == "ObjectDetection" and d.name == "General")
print("Domain:", domain.name, domain.type)
project = trainer.create_project("Detector " + uuid.uuid4().hex[:6], domain_id=domain.id)
tags = {name: trainer.create_tag(project.id, name) for name in regions_by_tag}
print("Tags:", ", ".join(sorted(tag.name for tag in tags.values())))

entries = []
for tag_name, regions in regions_by_tag.items():
    for file_name, (left, top, width, height) in regions.items():
        region = Region(tag_id=tags[tag_name].id, left=left, top=top, width=width, height=height)
        with open(os.path.join(images_folder, tag_name, file_name + ".jpg"), "rb") as image_file:
            entries.append(ImageFileCreateEntry(name=file_name, contents=image_file.read(), regions=[region]))

upload_result = trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries))
if not upload_result.is_batch_successful:
    print("Image batch upload failed.")
    for image in upload_result.images:
        print("Image status:", image.source_url, image.status)
    sys.exit(-1)
region_count = sum(len(created.image.regions) for created in upload_result.images)
print("Uploaded:", len(upload_result.images), "images,", region_count, "regions")

print("Training...")
iteration = trainer.train_project(project.id)
while iteration.status != "Completed":
    iteration = trainer.get_iteration(project.id, iteration.id)
    print("Training status: " + iteration.status)
    if iteration.status == "Failed":
        sys.exit(-1)
    time.sleep(0.2)

trainer.publish_iteration(project.id, iteration.id, published_name, prediction_resource_id)
print("Published as", published_name)

with open(os.path.join(images_folder, "test", "test_image.jpg"), "rb") as test_file:
    results = predictor.detect_image(project.id, published_name, test_file)

best = max(results.predictions, key=lambda prediction: prediction.probability)
box = best.bounding_box
print(
    f"\t{best.tag_name}: {best.probability * 100:.2f}% bbox.left = {box.left:.2f}, "
    f"bbox.top = {box.top:.2f}, bbox.width = {box.width:.2f}, bbox.height = {box.height:.2f}"
)

trainer.unpublish_iteration(project.id, iteration.id)
trainer.delete_project(project.id)
print("Cleaned up")
