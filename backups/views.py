from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from backups import services
from backups.downloads import backup_download_response
from backups.error_codes import BackupErrorCode as B
from backups.models import BackupRecord
from backups.schema import FETCH, STORAGE, raises_backup
from backups.serializers import (
    BackupConfigurationSerializer,
    BackupCreateResponseSerializer,
    BackupCreateSerializer,
    BackupRecordSerializer,
    RestoreOptionsSerializer,
    RestoreResponseSerializer,
    RestoreSerializer,
)
from core.api.schema import raises
from core.error_codes import CoreErrorCode as C
from usuarios.auth.throttles import BackupManualThrottle
from usuarios.permissions import IsTenantAdmin


class _AdminView(APIView):
    permission_classes = [IsTenantAdmin]


class HistoryView(_AdminView):
    @extend_schema(responses={200: BackupRecordSerializer(many=True)})
    def get(self, request):
        records = BackupRecord.objects.select_related("created_by").order_by("-created_at", "-id")
        return Response(BackupRecordSerializer(records, many=True).data)


@raises_backup(*STORAGE, B.STORAGE_OBJECT_TOO_LARGE, B.BACKUP_IN_PROGRESS)
class CreateView(_AdminView):
    throttle_classes = [BackupManualThrottle]

    @extend_schema(
        request=BackupCreateSerializer,
        responses={201: BackupCreateResponseSerializer, 202: BackupCreateResponseSerializer},
    )
    def post(self, request):
        data = BackupCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record, finished = services.backup_create(actor=request.user, **data.validated_data)
        body = {
            "success": True,
            "message": "Backup creado exitosamente" if finished else "Backup en progreso",
            "backup": BackupRecordSerializer(record).data,
        }
        body["backup"] = {
            k: body["backup"][k] for k in ("id", "file_name", "file_size_mb", "created_at", "estado")
        }
        return Response(body, status=status.HTTP_201_CREATED if finished else status.HTTP_202_ACCEPTED)


@raises_backup(*FETCH)
class DownloadView(_AdminView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        return backup_download_response(record_id=pk)


@raises_backup(*STORAGE, B.BACKUP_MISSING, B.BACKUP_IN_PROGRESS)
class DeleteView(_AdminView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.backup_delete(record_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@raises_backup(*FETCH, B.BACKUP_IN_PROGRESS)
@raises(C.TENANT_BUSY)
class RestoreView(_AdminView):
    # the restore pauses the tenant's writes itself (and waits for those in flight)
    write_gate = False

    @extend_schema(request=RestoreSerializer, responses={200: RestoreResponseSerializer})
    def post(self, request, pk):
        body = request.data if hasattr(request.data, "get") else {}
        options = RestoreOptionsSerializer(data={k: v for k, v in body.items() if k != "confirm"})
        options.is_valid(raise_exception=True)
        return Response(
            services.backup_restore(
                record_id=pk, actor=request.user, confirm=body.get("confirm"), **options.validated_data
            )
        )


class ConfigView(_AdminView):
    @extend_schema(responses={200: BackupConfigurationSerializer})
    def get(self, request):
        return Response(BackupConfigurationSerializer(services.backup_configuration()).data)

    @extend_schema(request=BackupConfigurationSerializer, responses={200: BackupConfigurationSerializer})
    def patch(self, request):
        data = BackupConfigurationSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(
            BackupConfigurationSerializer(services.backup_configuration_update(**data.validated_data)).data
        )
