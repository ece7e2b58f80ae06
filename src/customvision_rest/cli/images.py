"""``upload PROJECT FOLDER`` and ``download-dataset PROJECT DIR``."""

from __future__ import annotations

from pathlib import Path

import click

from .. import ImageToUpload
from ..clients.training import TrainingClient
from ..models.training import ImageCreateStatus
from ._context import EXIT_OK, EXIT_SERVICE, CliError, Session, command, names, pass_session

__all__ = ["IMAGE_SUFFIXES", "register"]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif"})
"""The files ``upload`` picks up; the service takes JPEG, PNG, BMP and GIF."""


def _images_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES)


def _tag_ids(trainer: TrainingClient, project_id: str, wanted: list[str], create: bool) -> dict[str, str]:
    existing = {tag.name: str(tag.id) for tag in trainer.get_tags(project_id)}
    missing = [name for name in wanted if name not in existing]
    if missing and not create:
        raise CliError(f"the project has no tags {', '.join(missing)} (leave out --no-create-tags to create them)")
    for name in missing:
        existing[name] = str(trainer.create_tag(project_id, name).id)
    return {name: existing[name] for name in wanted}


def register(root: click.Group) -> None:
    """Add ``upload`` and ``download-dataset`` to the root command."""

    @command(root, "upload")
    @click.argument("project")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option(
        "--tag",
        "tag_names",
        multiple=True,
        metavar="NAME",
        help="tag every image of FOLDER with NAME (repeat, or separate with commas); "
        "without it, each sub-folder of FOLDER is a tag",
    )
    @click.option("--create-tags/--no-create-tags", default=True, show_default=True, help="create missing tags")
    @pass_session
    def upload(session: Session, project: str, folder: Path, tag_names: tuple[str, ...], create_tags: bool) -> int:
        """Upload the images of FOLDER to PROJECT: one sub-folder per tag, or all with --tag.

        JPEG, PNG, BMP and GIF files are sent in batches (64 images at most, split by size); images the project
        already has are reported as duplicates, so running it again after a failure is safe.
        """
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        given = names(tag_names)
        if given:
            plan = [(path, given) for path in _images_in(folder)]
        else:
            folders = sorted(path for path in folder.iterdir() if path.is_dir())
            plan = [(path, [sub.name]) for sub in folders for path in _images_in(sub)]
            if not folders:
                raise CliError(
                    f"{folder} has no sub-folders: put each tag's images in a folder named after it, or give --tag"
                )
        if not plan:
            raise CliError(f"no JPEG, PNG, BMP or GIF images found in {folder}")
        wanted = sorted({name for _path, tags in plan for name in tags})
        tag_ids = _tag_ids(trainer, project_id, wanted, create_tags)
        images = [ImageToUpload(path, tag_ids=[tag_ids[name] for name in tags]) for path, tags in plan]
        with session.progress("uploading", len(images)) as update:
            report = trainer.upload_images(project_id, images, progress=lambda sent, total: update(sent))
        failed = [
            {"file": str(plan[failure.position][0]), "status": str(failure.result.status)} for failure in report.failed
        ]
        counts = report.status_counts()  # the results of thousands of images need not be built to be counted
        result = {
            "project": project_id,
            "images": len(images),
            "uploaded": counts.get(ImageCreateStatus.OK, 0),
            "duplicates": counts.get(ImageCreateStatus.OK_DUPLICATE, 0),
            "failed": failed,
            "tags": tag_ids,
            "batches": report.batches,
        }

        def text() -> str:
            lines = [
                f"uploaded {result['uploaded']} of {len(images)} images in {report.batches} batches "
                f"({result['duplicates']} already there) with tags {', '.join(wanted)}"
            ]
            lines += [f"failed: {item['file']}: {item['status']}" for item in failed]
            return "\n".join(lines)

        session.emit(result, text)
        return EXIT_SERVICE if failed else EXIT_OK

    @command(root, "download-dataset")
    @click.argument("project")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--resized", is_flag=True, help="the service's resized copies instead of the original uploads")
    @pass_session
    def download_dataset(session: Session, project: str, directory: Path, resized: bool) -> None:
        """Download every image of PROJECT with its tags, regions and metadata into DIRECTORY.

        DIRECTORY gets images/ and manifest.json; running it again resumes, fetching only what is missing.
        """
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        total = trainer.get_image_count(project_id) if session.interactive else None
        with session.progress("downloading", total) as update:
            done = trainer.download_dataset(project_id, directory, resized=resized, progress=update)
        result = {
            "project": project_id,
            "directory": str(done.destination),
            "manifest": str(done.manifest),
            "images": done.images,
            "tags": done.tags,
            "regions": done.regions,
            "downloaded": done.downloaded,
            "alreadyPresent": done.already_present,
        }
        session.emit(
            result,
            lambda: (
                f"{done.images} images ({done.downloaded} downloaded, {done.already_present} already there), "
                f"{done.tags} tags and {done.regions} regions in {done.destination}"
            ),
        )
