from .models import InstanceSettings


def instance(request):
    return {"instance": InstanceSettings.current()}
