"""Export packaging: the artifact an iteration export produces, and downloadable artifacts.

This is the one place that decides what an exported package contains.
"""

from __future__ import annotations

import io
import json
import zipfile

from ._state import Artifact, Iteration, Project, Store, new_id


class ExportPackaging:
    """Builds export packages and keeps artifacts (call with the store lock held)."""

    store: Store

    def export_package(self, project: Project, iteration: Iteration, platform: str, flavor: str | None) -> bytes:
        """The emulator's export artifact: a zip with model.json, labels.txt and a README."""
        model_document = {
            "format": "customvision-emulator-model/1",
            "platform": platform,
            "flavor": flavor,
            "projectId": project.id,
            "iterationId": iteration.id,
            "domainId": iteration.domain_id,
            "classificationType": iteration.classification_type or None,
            "tags": [{"id": tag_id, "name": name} for tag_id, name in iteration.tag_names.items()],
            "model": iteration.model,
        }
        files: dict[str, str | bytes] = {
            "model.json": json.dumps(model_document),
            "labels.txt": "\n".join(iteration.tag_names.values()) + "\n",
            "README.md": _EXPORT_README.format(platform=platform, flavor=flavor or "default"),
        }
        if platform == "ONNX" and iteration.model is not None:
            from ._onnx import onnx_export_files

            files.update(onnx_export_files(iteration.model, iteration.tag_names, flavor))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
            for name, content in files.items():
                package.writestr(name, content)
        return buffer.getvalue()

    def store_artifact(self, project: Project, data: bytes, file_name: str) -> Artifact:
        """Keep a downloadable artifact of the project (lock held)."""
        artifact = Artifact(id=new_id().replace("-", ""), project_id=project.id, blob_key="", file_name=file_name)
        artifact.blob_key = "artifact-" + artifact.id
        self.store.blobs.put(artifact.blob_key, data)
        self.store.state.artifacts[artifact.id] = artifact
        return artifact


_EXPORT_README = """# Custom Vision emulator export

This package was produced by the customvision-rest emulator for platform {platform} (flavor {flavor}).
It is NOT a real {platform} model: `model.json` holds the emulator's own model (format
`customvision-emulator-model/1`): the tags and the weights of a linear model over the emulator's hand-made image
features (see docs/emulator.md in customvision-rest). `labels.txt` lists the tags, one per line.
"""
